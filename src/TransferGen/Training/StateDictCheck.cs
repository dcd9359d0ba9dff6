using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Training;

/// <summary>
/// Walks a module's weights in TorchSharp's format (an entry count, then per entry a name, a dtype, the dimensions and
/// the raw bytes) before TorchSharp's own loader reads them. That loader trusts every number: a damaged dimension
/// count makes it allocate gigabytes and a damaged name length reads past the entry. This check compares each number
/// with what the module expects and with the bytes left in the file, so damage is one sentence instead.
/// </summary>
internal static class StateDictCheck
{
    /// <summary>
    /// Reads from the stream's position up to <paramref name="end"/> and throws an <see cref="InputException"/> naming
    /// <paramref name="source"/> at the first entry that does not fit <paramref name="module"/>; leaves the stream
    /// where it was.
    /// </summary>
    public static void Check(Stream stream, nn.Module module, long end, string source)
    {
        var start = stream.Position;
        var expected = module.state_dict();
        try
        {
            var count = ReadLeb128(stream, end, source, "the number of weights");
            if (count != expected.Count)
                throw new InputException($"{source} holds {count} weight tensors where the model has {expected.Count}: it is damaged or belongs to another model.");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (long i = 0; i < count; i++)
            {
                var name = ReadName(stream, end, source);
                if (!expected.TryGetValue(name, out var tensor) || !seen.Add(name))
                    throw new InputException($"{source} holds a weight '{Printable(name)}' the model does not have (or has it twice): it is damaged or belongs to another model.");
                var type = ReadLeb128(stream, end, source, $"the type of '{name}'");
                if (type != (long)tensor.dtype)
                    throw new InputException($"{source}: the weight '{name}' has type {type}, not the model's {tensor.dtype}: the file is damaged or belongs to another model.");
                var rank = ReadLeb128(stream, end, source, $"the rank of '{name}'");
                if (rank != tensor.dim())
                    throw new InputException($"{source}: the weight '{name}' has {Math.Min(rank, 999_999)} dimensions, not the model's {tensor.dim()}: the file is damaged or belongs to another model.");
                for (var d = 0; d < rank; d++)
                    if (ReadLeb128(stream, end, source, $"a dimension of '{name}'") != tensor.shape[d])
                        throw new InputException($"{source}: the weight '{name}' does not have the model's shape [{string.Join(", ", tensor.shape)}]: the file is damaged or belongs to another model.");
                var bytes = tensor.numel() * tensor.ElementSize;
                if (bytes > end - stream.Position)
                    throw new InputException($"{source} is truncated: it ends inside the weight '{name}'.");
                stream.Seek(bytes, SeekOrigin.Current);
            }
        }
        finally
        {
            stream.Position = start;
        }
    }

    /// <summary>TorchSharp's LEB128 number, refused beyond 2^53 or past <paramref name="end"/>.</summary>
    static long ReadLeb128(Stream stream, long end, string source, string what)
    {
        long value = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (stream.Position >= end) throw new InputException($"{source} is truncated: it ends inside {what}.");
            var b = stream.ReadByte();
            if (b < 0) throw new InputException($"{source} is truncated: it ends inside {what}.");
            if (shift > 49) throw new InputException($"{source} is damaged: {what} is not a valid number.");
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }

    /// <summary>A .NET BinaryWriter string: a 7-bit-encoded byte length, then UTF-8.</summary>
    static string ReadName(Stream stream, long end, string source)
    {
        var length = ReadLeb128(stream, end, source, "a weight's name");
        if (length > 4096 || length > end - stream.Position)
            throw new InputException($"{source} is damaged: a weight's name claims {length} bytes.");
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    static string Printable(string name) =>
        name.Length <= 80 && name.All(c => !char.IsControl(c)) ? name : "(unreadable name)";
}
