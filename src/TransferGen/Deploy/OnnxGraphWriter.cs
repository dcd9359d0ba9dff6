using System.Runtime.InteropServices;
using TransferGen.Interop.Onnx;
using Google.Protobuf;
using TorchSharp;
using static TorchSharp.torch;
using OnnxPb = global::Onnx;

namespace TransferGen.Deploy;

/// <summary>
/// Builds one ONNX graph node by node with the message classes protoc generates from onnx.proto: unique value names,
/// weights as initializers (raw little-endian bytes), and the graph's inputs and outputs with symbolic or fixed sizes.
/// The exporters of modules and whole models write through it, so none of them spells protobuf fields itself.
/// </summary>
internal sealed class OnnxGraphWriter
{
    /// <summary>The default-domain operator set every exported file declares (IR version 8 reads up to 17).</summary>
    public const long Opset = 17;

    /// <summary>The IR version of the files written (ONNX 1.12, the onnx.proto the classes come from).</summary>
    public const long IrVersion = 8;

    readonly OnnxPb.GraphProto _graph = new();
    readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Starts an empty graph called <paramref name="name"/>.</summary>
    public OnnxGraphWriter(string name) => _graph.Name = name;

    /// <summary>The nodes written so far.</summary>
    public int NodeCount => _graph.Node.Count;

    /// <summary>
    /// Declares a graph input called <paramref name="name"/>; in <paramref name="dims"/> a string is a symbolic size
    /// (the batch), a long a fixed one. Returns the name.
    /// </summary>
    public string Input(string name, OnnxPb.TensorProto.Types.DataType type, params object[] dims)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> (already computed by a node) as a graph output with <paramref name="dims"/>.</summary>
    public void Output(string value, OnnxPb.TensorProto.Types.DataType type, params object[] dims) =>
        _graph.Output.Add(ValueInfo(value, type, dims));

    /// <summary>A new value name built from <paramref name="hint"/> (sanitised, numbered when taken).</summary>
    public string NewName(string hint)
    {
        // Unique records the name it returns.
        return OnnxNames.Unique(OnnxNames.Sanitize(hint, "value"), _names);
    }

    /// <summary>
    /// Adds a copy of <paramref name="value"/> (float32, int64) as an initializer named after <paramref name="hint"/>;
    /// returns its name. The values are copied in one block, whatever their device and layout.
    /// </summary>
    public string Initializer(string hint, Tensor value)
    {
        using var scope = NewDisposeScope();
        var cpu = value.detach().cpu().contiguous();
        var proto = new OnnxPb.TensorProto { Name = NewName(hint) };
        proto.Dims.AddRange(cpu.shape);
        switch (cpu.dtype)
        {
            case ScalarType.Float32:
                proto.DataType = (int)OnnxPb.TensorProto.Types.DataType.Float;
                proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()));
                break;
            case ScalarType.Int64:
                proto.DataType = (int)OnnxPb.TensorProto.Types.DataType.Int64;
                proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(cpu.data<long>().ToArray().AsSpan()));
                break;
            default:
                var asFloat = cpu.to_type(ScalarType.Float32);
                proto.DataType = (int)OnnxPb.TensorProto.Types.DataType.Float;
                proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(asFloat.data<float>().ToArray().AsSpan()));
                break;
        }
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>A float32 constant of <paramref name="shape"/> (a scalar when omitted) as an initializer; returns its name.</summary>
    public string Constant(string hint, float[] values, params long[] shape)
    {
        using var t = tensor(values, shape);
        return Initializer(hint, t);
    }

    /// <summary>An int64 constant of <paramref name="shape"/> (a 1-D list when omitted) as an initializer; returns its name.</summary>
    public string Int64Constant(string hint, long[] values, params long[] shape)
    {
        using var t = tensor(values, shape.Length == 0 ? [values.Length] : shape);
        return Initializer(hint, t);
    }

    /// <summary>
    /// Adds a node of <paramref name="opType"/> reading <paramref name="inputs"/> ("" for an omitted optional one) and
    /// writing one new value named after <paramref name="outputHint"/>; returns the output's name.
    /// </summary>
    public string Node(string opType, IReadOnlyList<string> inputs, string outputHint, params OnnxPb.AttributeProto[] attributes)
    {
        var output = NewName(outputHint);
        var node = new OnnxPb.NodeProto { OpType = opType, Name = NewName("node_" + output) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>The finished model: this graph, <see cref="Opset"/>, the producer and <paramref name="metadata"/>.</summary>
    public OnnxPb.ModelProto ToModel(string docString, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new OnnxPb.ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "TransferGen",
            ProducerVersion = typeof(OnnxGraphWriter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OnnxPb.OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new OnnxPb.StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    void Claim(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"the value name '{name}' is taken");
    }

    static OnnxPb.ValueInfoProto ValueInfo(string name, OnnxPb.TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new OnnxPb.TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d switch
            {
                string symbol => new OnnxPb.TensorShapeProto.Types.Dimension { DimParam = symbol },
                long size => new OnnxPb.TensorShapeProto.Types.Dimension { DimValue = size },
                int size => new OnnxPb.TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"a dimension is a string or a number, not {d.GetType().Name}", nameof(dims)),
            });
        return new OnnxPb.ValueInfoProto
        {
            Name = name,
            Type = new OnnxPb.TypeProto { TensorType = new OnnxPb.TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}

/// <summary>Node attributes, as onnx.proto spells each kind.</summary>
internal static class OnnxAttr
{
    /// <summary>An integer attribute.</summary>
    public static OnnxPb.AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = OnnxPb.AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static OnnxPb.AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = OnnxPb.AttributeProto.Types.AttributeType.Float, F = (float)value };

    /// <summary>A list of integers.</summary>
    public static OnnxPb.AttributeProto Ints(string name, params long[] values)
    {
        var a = new OnnxPb.AttributeProto { Name = name, Type = OnnxPb.AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A list of floats.</summary>
    public static OnnxPb.AttributeProto Floats(string name, IEnumerable<float> values)
    {
        var a = new OnnxPb.AttributeProto { Name = name, Type = OnnxPb.AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    /// <summary>A string attribute (UTF-8).</summary>
    public static OnnxPb.AttributeProto String(string name, string value) =>
        new() { Name = name, Type = OnnxPb.AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
