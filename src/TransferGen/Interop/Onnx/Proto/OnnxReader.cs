using System.Text;
using Google.Protobuf;

namespace TransferGen.Interop.Onnx.Proto;

/// <summary>
/// Reads an ONNX model file (a protobuf ModelProto) into <see cref="OnnxModelProto"/>. Hand-written against
/// the field numbers of onnx.proto for just the messages the importer uses; unknown fields are skipped, so
/// newer files still read. Any damage to the file surfaces as an <see cref="InputException"/> naming it.
/// </summary>
internal static class OnnxReader
{
    /// <summary>Reads the model at <paramref name="path"/>.</summary>
    public static OnnxModelProto Read(string path)
    {
        if (!File.Exists(path)) throw new InputException($"ONNX model '{path}' does not exist.");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses model bytes; <paramref name="source"/> names them in error messages (a path, usually).</summary>
    public static OnnxModelProto Parse(byte[] bytes, string source)
    {
        try
        {
            return ReadModel(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InputException($"'{source}' is not a readable ONNX model: its protobuf data is truncated or corrupt.", e);
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"'{source}' is not a readable ONNX model: {e.Message}.", e);
        }
    }

    static OnnxModelProto ReadModel(byte[] buffer)
    {
        var input = new CodedInputStream(buffer);
        long irVersion = 0;
        long? opset = null;
        OnnxGraphProto? graph = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when IsVarint(tag): irVersion = input.ReadInt64(); break;
                case 7 when IsDelimited(tag): graph = ReadGraph(buffer, ProtoSpans.Nested(buffer, input)); break;
                case 8 when IsDelimited(tag):
                    var (domain, version) = ReadOpsetId(ProtoSpans.Nested(buffer, input));
                    // The default operator set is spelled "" or "ai.onnx"; other domains (vendor ops) don't version ours.
                    if (domain is "" or "ai.onnx") opset = version;
                    break;
                default: input.SkipLastField(); break;
            }
        }
        if (graph is null) throw new InvalidDataException("it contains no graph");
        // onnx.proto: a model without an opset_import for the default domain is read as opset 1.
        return new OnnxModelProto(irVersion, opset ?? 1, graph);
    }

    static (string Domain, long Version) ReadOpsetId(CodedInputStream input)
    {
        string domain = "";
        long version = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when IsDelimited(tag): domain = input.ReadString(); break;
                case 2 when IsVarint(tag): version = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (domain, version);
    }

    static OnnxGraphProto ReadGraph(byte[] buffer, CodedInputStream input)
    {
        var nodes = new List<OnnxNodeProto>();
        var initializers = new List<OnnxTensorProto>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when IsDelimited(tag): nodes.Add(ReadNode(buffer, ProtoSpans.Nested(buffer, input))); break;
                case 5 when IsDelimited(tag): initializers.Add(OnnxTensorReader.Read(buffer, ProtoSpans.Nested(buffer, input))); break;
                case 11 when IsDelimited(tag): inputs.Add(ReadValueInfo(buffer, ProtoSpans.Nested(buffer, input))); break;
                case 12 when IsDelimited(tag): outputs.Add(ReadValueInfo(buffer, ProtoSpans.Nested(buffer, input))); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxGraphProto(nodes, initializers, inputs, outputs);
    }

    static OnnxNodeProto ReadNode(byte[] buffer, CodedInputStream input)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        string name = "", opType = "", domain = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when IsDelimited(tag): inputs.Add(input.ReadString()); break;
                case 2 when IsDelimited(tag): outputs.Add(input.ReadString()); break;
                case 3 when IsDelimited(tag): name = input.ReadString(); break;
                case 4 when IsDelimited(tag): opType = input.ReadString(); break;
                case 7 when IsDelimited(tag): domain = input.ReadString(); break;
                case 5 when IsDelimited(tag):
                    var attribute = ReadAttribute(buffer, ProtoSpans.Nested(buffer, input));
                    attributes[attribute.Name] = attribute;
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxNodeProto(name, opType, domain, inputs, outputs, attributes);
    }

    static OnnxAttribute ReadAttribute(byte[] buffer, CodedInputStream input)
    {
        string name = "";
        var type = OnnxAttributeType.Undefined;
        float f = 0;
        long i = 0;
        byte[]? s = null;
        OnnxTensorProto? t = null;
        bool sawF = false, sawI = false;
        var floats = new List<float>();
        var ints = new List<long>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when IsDelimited(tag): name = input.ReadString(); break;
                case 20 when IsVarint(tag): type = (OnnxAttributeType)input.ReadInt32(); break;
                case 2 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.Fixed32: f = input.ReadFloat(); sawF = true; break;
                case 3 when IsVarint(tag): i = input.ReadInt64(); sawI = true; break;
                case 4 when IsDelimited(tag): s = input.ReadBytes().ToByteArray(); break;
                case 5 when IsDelimited(tag): t = OnnxTensorReader.Read(buffer, ProtoSpans.Nested(buffer, input)); break;
                case 7: ProtoSpans.Floats(buffer, input, tag, floats); break;
                case 8: ProtoSpans.Int64s(buffer, input, tag, ints); break;
                default: input.SkipLastField(); break;
            }
        }
        // Files written before AttributeProto.type existed say the kind only by which field is set.
        if (type == OnnxAttributeType.Undefined)
            type = t is not null ? OnnxAttributeType.Tensor
                : floats.Count > 0 ? OnnxAttributeType.Floats
                : ints.Count > 0 ? OnnxAttributeType.Ints
                : s is not null ? OnnxAttributeType.String
                : sawF ? OnnxAttributeType.Float
                : sawI ? OnnxAttributeType.Int
                : OnnxAttributeType.Undefined;
        return new OnnxAttribute(name, type, f, i, s ?? [], t, floats, ints);
    }

    static OnnxValueInfo ReadValueInfo(byte[] buffer, CodedInputStream input)
    {
        string name = "";
        IReadOnlyList<long?>? dims = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when IsDelimited(tag): name = input.ReadString(); break;
                case 2 when IsDelimited(tag): dims = ReadTensorTypeDims(buffer, ProtoSpans.Nested(buffer, input)); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxValueInfo(name, dims);
    }

    // TypeProto → tensor_type (1) → shape (2) → dim (1) → dim_value (1) | dim_param (2).
    static IReadOnlyList<long?>? ReadTensorTypeDims(byte[] buffer, CodedInputStream typeProto)
    {
        IReadOnlyList<long?>? dims = null;
        uint tag;
        while ((tag = typeProto.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1 || !IsDelimited(tag)) { typeProto.SkipLastField(); continue; }
            var tensorType = ProtoSpans.Nested(buffer, typeProto);
            while ((tag = tensorType.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) != 2 || !IsDelimited(tag)) { tensorType.SkipLastField(); continue; }
                dims = ReadShape(buffer, ProtoSpans.Nested(buffer, tensorType));
            }
        }
        return dims;
    }

    static List<long?> ReadShape(byte[] buffer, CodedInputStream shape)
    {
        var dims = new List<long?>();
        uint tag;
        while ((tag = shape.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1 || !IsDelimited(tag)) { shape.SkipLastField(); continue; }
            var dim = ProtoSpans.Nested(buffer, shape);
            long? value = null;
            while ((tag = dim.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 1 && IsVarint(tag)) value = dim.ReadInt64();
                else dim.SkipLastField();
            }
            // A dim_param (symbolic size such as "batch") stays null, as does an unset dim.
            dims.Add(value);
        }
        return dims;
    }

    internal static bool IsVarint(uint tag) => WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint;

    internal static bool IsDelimited(uint tag) => WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited;

    /// <summary>A string attribute's bytes as text (ONNX strings are UTF-8).</summary>
    public static string Text(this OnnxAttribute attribute) => Encoding.UTF8.GetString(attribute.S);
}
