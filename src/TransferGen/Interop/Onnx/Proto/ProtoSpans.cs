using System.Runtime.InteropServices;
using Google.Protobuf;

namespace TransferGen.Interop.Onnx.Proto;

/// <summary>
/// Small helpers over <see cref="CodedInputStream"/> for reading protobuf messages that live in one byte array.
/// Nested messages are read by opening a second stream over the same array instead of copying their bytes,
/// because a model file is mostly one huge nested message (the graph) full of large nested tensors.
/// </summary>
internal static class ProtoSpans
{
    /// <summary>
    /// The payload of the length-delimited field whose tag was just read, as a slice of <paramref name="buffer"/>;
    /// the stream is left after the field. Throws <see cref="InvalidProtocolBufferException"/> when truncated.
    /// </summary>
    public static ArraySegment<byte> Delimited(byte[] buffer, CodedInputStream input)
    {
        // CodedInputStream's limit stack is internal, so skip the field to learn where it ends and
        // re-read its length prefix from a second stream positioned at its start.
        int start = checked((int)input.Position);
        input.SkipLastField();
        int end = checked((int)input.Position);
        var prefix = new CodedInputStream(buffer, start, end - start);
        int length = prefix.ReadLength();
        return new ArraySegment<byte>(buffer, checked((int)prefix.Position), length);
    }

    /// <summary>A stream over the nested message whose tag was just read.</summary>
    public static CodedInputStream Nested(byte[] buffer, CodedInputStream input)
    {
        var span = Delimited(buffer, input);
        return new CodedInputStream(buffer, span.Offset, span.Count);
    }

    /// <summary>Reads one element or one packed run of a repeated int64 field into <paramref name="into"/>.</summary>
    public static void Int64s(byte[] buffer, CodedInputStream input, uint tag, List<long> into)
    {
        switch (WireFormat.GetTagWireType(tag))
        {
            case WireFormat.WireType.Varint:
                into.Add(input.ReadInt64());
                break;
            case WireFormat.WireType.LengthDelimited:
                var packed = Nested(buffer, input);
                while (!packed.IsAtEnd) into.Add(packed.ReadInt64());
                break;
            default:
                input.SkipLastField();
                break;
        }
    }

    /// <summary>Reads one element or one packed run of a repeated int32 field into <paramref name="into"/>.</summary>
    public static void Int32s(byte[] buffer, CodedInputStream input, uint tag, List<int> into)
    {
        switch (WireFormat.GetTagWireType(tag))
        {
            case WireFormat.WireType.Varint:
                into.Add(input.ReadInt32());
                break;
            case WireFormat.WireType.LengthDelimited:
                var packed = Nested(buffer, input);
                while (!packed.IsAtEnd) into.Add(packed.ReadInt32());
                break;
            default:
                input.SkipLastField();
                break;
        }
    }

    /// <summary>
    /// Reads one element or one packed run of a repeated float field. Packed runs (how weights are stored)
    /// are reinterpreted in bulk, not decoded value by value.
    /// </summary>
    public static void Floats(byte[] buffer, CodedInputStream input, uint tag, List<float> into)
    {
        switch (WireFormat.GetTagWireType(tag))
        {
            case WireFormat.WireType.Fixed32:
                into.Add(input.ReadFloat());
                break;
            case WireFormat.WireType.LengthDelimited:
                into.AddRange(LittleEndian<float>(Delimited(buffer, input)));
                break;
            default:
                input.SkipLastField();
                break;
        }
    }

    /// <summary>Reads one element or one packed run of a repeated double field.</summary>
    public static void Doubles(byte[] buffer, CodedInputStream input, uint tag, List<double> into)
    {
        switch (WireFormat.GetTagWireType(tag))
        {
            case WireFormat.WireType.Fixed64:
                into.Add(input.ReadDouble());
                break;
            case WireFormat.WireType.LengthDelimited:
                into.AddRange(LittleEndian<double>(Delimited(buffer, input)));
                break;
            default:
                input.SkipLastField();
                break;
        }
    }

    /// <summary>
    /// Views little-endian bytes (protobuf's fixed-width encoding and ONNX raw_data) as values of type T.
    /// Throws <see cref="InvalidDataException"/> when the byte count is not a whole number of values.
    /// </summary>
    public static ReadOnlySpan<T> LittleEndian<T>(ReadOnlySpan<byte> bytes) where T : struct
    {
        // Reinterpreting is only right on little-endian hosts; TorchSharp ships x64/arm64 binaries only.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX import needs a little-endian machine.");
        int size = Marshal.SizeOf<T>();
        if (bytes.Length % size != 0)
            throw new InvalidDataException($"a run of {typeof(T).Name} values is {bytes.Length} bytes long, not a multiple of {size}");
        return MemoryMarshal.Cast<byte, T>(bytes);
    }
}
