using Google.Protobuf;

namespace TransferGen.Interop.Onnx.Proto;

/// <summary>Reads a TensorProto (an initializer or a tensor-valued attribute).</summary>
internal static class OnnxTensorReader
{
    /// <summary>Reads the TensorProto that <paramref name="input"/> covers.</summary>
    public static OnnxTensorProto Read(byte[] buffer, CodedInputStream input)
    {
        string name = "";
        int dataType = 0;
        bool external = false;
        var dims = new List<long>();
        List<float>? floats = null;
        List<long>? int64s = null;
        List<int>? int32s = null;
        List<double>? doubles = null;
        ReadOnlyMemory<byte>? raw = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: ProtoSpans.Int64s(buffer, input, tag, dims); break;
                case 2 when OnnxReader.IsVarint(tag): dataType = input.ReadInt32(); break;
                case 4: ProtoSpans.Floats(buffer, input, tag, floats ??= []); break;
                case 5: ProtoSpans.Int32s(buffer, input, tag, int32s ??= []); break;
                case 7: ProtoSpans.Int64s(buffer, input, tag, int64s ??= []); break;
                case 10: ProtoSpans.Doubles(buffer, input, tag, doubles ??= []); break;
                case 8 when OnnxReader.IsDelimited(tag): name = input.ReadString(); break;
                // raw_data stays a slice of the file's bytes; it is reinterpreted only when the tensor is built.
                case 9 when OnnxReader.IsDelimited(tag): raw = ProtoSpans.Delimited(buffer, input); break;
                case 13: external = true; input.SkipLastField(); break;
                case 14 when OnnxReader.IsVarint(tag): external |= input.ReadInt32() == 1; break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxTensorProto(name, [.. dims], dataType, floats?.ToArray(), int64s?.ToArray(),
            int32s?.ToArray(), doubles?.ToArray(), raw, external);
    }
}
