using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace TransferGen.Benchmarks.Fuzzing;

/// <summary>The kinds of damage the fuzzer does to a valid file.</summary>
public enum FuzzMutationKind
{
    /// <summary>Flip one to eight random bits.</summary>
    BitFlip,

    /// <summary>Cut the file at a random length (possibly 0).</summary>
    Truncate,

    /// <summary>Overwrite a 4- or 8-byte integer, at a known size field or a random header offset, with an extreme value.</summary>
    LengthField,

    /// <summary>Overwrite a known dimension field (width, height, count) or, in JSON, a number with an extreme value.</summary>
    DimensionField,

    /// <summary>Append random bytes.</summary>
    GarbageAppend,
}

/// <summary>A binary integer field of a format's header: where it is and how it is stored.</summary>
/// <param name="Offset">Byte offset from the start of the file.</param>
/// <param name="Size">2, 4 or 8 bytes.</param>
/// <param name="BigEndian">Byte order.</param>
public readonly record struct FuzzField(int Offset, int Size, bool BigEndian);

/// <summary>One damaged file and how it was damaged.</summary>
/// <param name="Bytes">The mutated file.</param>
/// <param name="Description">What was done, for the failure log ("bit flips at 17, 230").</param>
public sealed record FuzzMutation(byte[] Bytes, string Description);

/// <summary>
/// Seeded mutations of a valid file. Values written into fields are the ones that break readers: 0, ±1 around
/// powers of two, the file's own length, and the sizes that overflow 32-bit products.
/// </summary>
public static partial class FuzzMutations
{
    static readonly long[] Extremes =
    [
        0, 1, 2, 3, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 30000, 60000, 1 << 20, 0x7FFFFFFF, 0x80000000,
        0xFFFFFFFF, 0x100000000, long.MaxValue, -1,
    ];

    static readonly string[] JsonExtremes =
        ["0", "-1", "1e400", "-1e400", "2147483648", "9223372036854775808", "1e9", "0.5", "\"x\"", "null", "[]", "{}", "true"];

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][-+]?\d+)?")]
    private static partial Regex JsonNumber();

    /// <summary>Applies <paramref name="kind"/> to a copy of <paramref name="seed"/>.</summary>
    /// <param name="seed">The valid file.</param>
    /// <param name="kind">The mutation.</param>
    /// <param name="fields">Known integer fields of the format (dimensions, counts, lengths); may be empty.</param>
    /// <param name="isJson">Whether the file is JSON text: dimension mutations then replace number literals.</param>
    /// <param name="random">The case's random source.</param>
    public static FuzzMutation Apply(byte[] seed, FuzzMutationKind kind, IReadOnlyList<FuzzField> fields, bool isJson, Random random)
    {
        var bytes = (byte[])seed.Clone();
        switch (kind)
        {
            case FuzzMutationKind.BitFlip:
            {
                if (bytes.Length == 0) return new FuzzMutation(bytes, "bit flip of an empty file");
                var flips = 1 + random.Next(8);
                var at = new List<long>();
                for (var i = 0; i < flips; i++)
                {
                    // Headers carry most of the structure: half of the flips land in the first 64 bytes.
                    var offset = random.Next(2) == 0 ? random.Next(Math.Min(64, bytes.Length)) : random.Next(bytes.Length);
                    bytes[offset] ^= (byte)(1 << random.Next(8));
                    at.Add(offset);
                }
                return new FuzzMutation(bytes, $"bit flips at {string.Join(", ", at)}");
            }
            case FuzzMutationKind.Truncate:
            {
                var length = bytes.Length == 0 ? 0 : random.Next(bytes.Length);
                return new FuzzMutation(bytes[..length], $"truncated to {length} of {bytes.Length} bytes");
            }
            case FuzzMutationKind.GarbageAppend:
            {
                var garbage = new byte[1 + random.Next(4096)];
                random.NextBytes(garbage);
                return new FuzzMutation([.. bytes, .. garbage], $"{garbage.Length} random bytes appended");
            }
            case FuzzMutationKind.DimensionField when isJson:
                return ReplaceJsonNumber(bytes, random);
            case FuzzMutationKind.DimensionField when fields.Count > 0:
                return WriteField(bytes, fields[random.Next(fields.Count)], random, "dimension field");
            default:
            {
                // A length field: a known one half of the time, else any aligned offset in the first 256 bytes.
                if (fields.Count > 0 && random.Next(2) == 0) return WriteField(bytes, fields[random.Next(fields.Count)], random, "length field");
                var size = random.Next(2) == 0 ? 4 : 8;
                if (bytes.Length < size) return new FuzzMutation(bytes, "file too short for a length field");
                var offset = random.Next((Math.Min(256, bytes.Length) - size) / 4 + 1) * 4;
                return WriteField(bytes, new FuzzField(offset, size, random.Next(2) == 0), random, "length field");
            }
        }
    }

    static FuzzMutation WriteField(byte[] bytes, FuzzField field, Random random, string what)
    {
        if (field.Offset + field.Size > bytes.Length) return new FuzzMutation(bytes, $"{what} at {field.Offset} beyond the file");
        var value = random.Next(4) == 0 ? random.NextInt64() : Extremes[random.Next(Extremes.Length)];
        if (random.Next(8) == 0) value = bytes.Length + random.Next(-1, 2);
        var span = bytes.AsSpan(field.Offset, field.Size);
        switch (field.Size, field.BigEndian)
        {
            case (2, true): BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)value); break;
            case (2, false): BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)value); break;
            case (4, true): BinaryPrimitives.WriteUInt32BigEndian(span, (uint)value); break;
            case (4, false): BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)value); break;
            case (8, true): BinaryPrimitives.WriteInt64BigEndian(span, value); break;
            default: BinaryPrimitives.WriteInt64LittleEndian(span, value); break;
        }
        return new FuzzMutation(bytes, $"{what} at {field.Offset} ({field.Size} bytes, {(field.BigEndian ? "big" : "little")}-endian) set to {value}");
    }

    static FuzzMutation ReplaceJsonNumber(byte[] bytes, Random random)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var numbers = JsonNumber().Matches(text);
        if (numbers.Count == 0) return new FuzzMutation(bytes, "no number to replace");
        var target = numbers[random.Next(numbers.Count)];
        var replacement = JsonExtremes[random.Next(JsonExtremes.Length)];
        var mutated = string.Concat(text.AsSpan(0, target.Index), replacement, text.AsSpan(target.Index + target.Length));
        return new FuzzMutation(Encoding.UTF8.GetBytes(mutated), $"number {target.Value} at {target.Index} replaced by {replacement}");
    }
}
