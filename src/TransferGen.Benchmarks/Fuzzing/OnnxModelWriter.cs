using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;

namespace TransferGen.Benchmarks.Fuzzing;

/// <summary>
/// Writes small ONNX ModelProto files (fuzzing seeds, tests), field by field with CodedOutputStream (numbers from onnx.proto).
/// Weights go either into float_data or raw_data, so both of the importer's read paths get exercised.
/// </summary>
internal sealed class OnnxModelWriter(long opset = 13, long irVersion = 8)
{
    readonly List<byte[]> _nodes = [];
    readonly List<byte[]> _initializers = [];
    readonly List<byte[]> _inputs = [];
    readonly List<byte[]> _outputs = [];
    readonly Random _random = new(1234);
    int _rawToggle;

    /// <summary>Declares a float graph input; a null dim is symbolic ("N").</summary>
    public OnnxModelWriter Input(string name, params long?[] dims)
    {
        _inputs.Add(ValueInfo(name, dims));
        return this;
    }

    /// <summary>Declares a float graph output of unknown shape.</summary>
    public OnnxModelWriter Output(string name)
    {
        _outputs.Add(ValueInfo(name, null));
        return this;
    }

    /// <summary>Adds a float initializer with the given values.</summary>
    public OnnxModelWriter Initializer(string name, long[] dims, float[] values)
    {
        _initializers.Add(FloatTensor(name, dims, values, raw: _rawToggle++ % 2 == 1));
        return this;
    }

    /// <summary>Adds a float initializer of uniform random values in [low, high).</summary>
    public OnnxModelWriter Random(string name, long[] dims, float low = -1, float high = 1)
    {
        long count = dims.Aggregate(1L, (a, d) => a * d);
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = low + (high - low) * _random.NextSingle();
        return Initializer(name, dims, values);
    }

    /// <summary>Adds an int64 initializer (shapes, split sizes).</summary>
    public OnnxModelWriter Int64s(string name, params long[] values)
    {
        _initializers.Add(Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt64(values.Length);
            o.WriteTag(2, WireFormat.WireType.Varint); o.WriteInt32(7);
            Packed(o, 7, values);
            o.WriteTag(8, WireFormat.WireType.LengthDelimited); o.WriteString(name);
        }));
        return this;
    }

    /// <summary>Adds a node; attributes come from <see cref="Attr"/>.</summary>
    public OnnxModelWriter Node(string opType, string[] inputs, string[] outputs, string name = "", params byte[][] attributes) =>
        DomainNode("", opType, inputs, outputs, name, attributes);

    /// <summary>Adds a node of an operator set other than the default one ("" = default).</summary>
    public OnnxModelWriter DomainNode(string domain, string opType, string[] inputs, string[] outputs, string name, params byte[][] attributes)
    {
        _nodes.Add(Message(o =>
        {
            if (domain.Length > 0) { o.WriteTag(7, WireFormat.WireType.LengthDelimited); o.WriteString(domain); }
            foreach (var i in inputs) { o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteString(i); }
            foreach (var i in outputs) { o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteString(i); }
            if (name.Length > 0) { o.WriteTag(3, WireFormat.WireType.LengthDelimited); o.WriteString(name); }
            o.WriteTag(4, WireFormat.WireType.LengthDelimited); o.WriteString(opType);
            foreach (var a in attributes) Sub(o, 5, a);
        }));
        return this;
    }

    /// <summary>The model's bytes.</summary>
    public byte[] ToBytes()
    {
        var graph = Message(o =>
        {
            foreach (var n in _nodes) Sub(o, 1, n);
            o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteString("test");
            foreach (var t in _initializers) Sub(o, 5, t);
            foreach (var v in _inputs) Sub(o, 11, v);
            foreach (var v in _outputs) Sub(o, 12, v);
        });
        return Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt64(irVersion);
            o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteString("TransferGen.Tests");
            Sub(o, 7, graph);
            Sub(o, 8, Message(s => { s.WriteTag(2, WireFormat.WireType.Varint); s.WriteInt64(opset); }));
        });
    }

    /// <summary>Attribute builders (AttributeProto with its type field set).</summary>
    public static class Attr
    {
        public static byte[] Int(string name, long value) => Attribute(name, 2, o => { o.WriteTag(3, WireFormat.WireType.Varint); o.WriteInt64(value); });

        public static byte[] Float(string name, float value) => Attribute(name, 1, o => { o.WriteTag(2, WireFormat.WireType.Fixed32); o.WriteFloat(value); });

        public static byte[] String(string name, string value) =>
            Attribute(name, 3, o => { o.WriteTag(4, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(Encoding.UTF8.GetBytes(value))); });

        // Repeated scalars unpacked, as proto2's onnx.proto writes them.
        public static byte[] Ints(string name, params long[] values) =>
            Attribute(name, 7, o => { foreach (var v in values) { o.WriteTag(8, WireFormat.WireType.Varint); o.WriteInt64(v); } });

        public static byte[] Tensor(string name, long[] dims, float[] values) =>
            Attribute(name, 4, o => Sub(o, 5, FloatTensor("", dims, values, raw: false)));

        public static byte[] Int64Tensor(string name, long[] dims, long[] values) => Attribute(name, 4, o => Sub(o, 5, Message(t =>
        {
            foreach (var d in dims) { t.WriteTag(1, WireFormat.WireType.Varint); t.WriteInt64(d); }
            t.WriteTag(2, WireFormat.WireType.Varint); t.WriteInt32(7);
            Packed(t, 7, values);
        })));

        static byte[] Attribute(string name, int type, Action<CodedOutputStream> value) => Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteString(name);
            value(o);
            o.WriteTag(20, WireFormat.WireType.Varint); o.WriteInt32(type);
        });
    }

    static byte[] FloatTensor(string name, long[] dims, float[] values, bool raw) => Message(o =>
    {
        foreach (var d in dims) { o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt64(d); }
        o.WriteTag(2, WireFormat.WireType.Varint); o.WriteInt32(1);
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        // float_data (4) is packed in onnx.proto; raw_data (9) is plain little-endian bytes.
        o.WriteTag(raw ? 9 : 4, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(bytes));
        if (name.Length > 0) { o.WriteTag(8, WireFormat.WireType.LengthDelimited); o.WriteString(name); }
    });

    static byte[] ValueInfo(string name, long?[]? dims) => Message(o =>
    {
        o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteString(name);
        var tensorType = Message(t =>
        {
            t.WriteTag(1, WireFormat.WireType.Varint); t.WriteInt32(1);
            if (dims is null) return;
            Sub(t, 2, Message(s =>
            {
                foreach (var d in dims)
                    Sub(s, 1, Message(dim =>
                    {
                        if (d is { } v) { dim.WriteTag(1, WireFormat.WireType.Varint); dim.WriteInt64(v); }
                        else { dim.WriteTag(2, WireFormat.WireType.LengthDelimited); dim.WriteString("N"); }
                    }));
            }));
        });
        Sub(o, 2, Message(t => Sub(t, 1, tensorType)));
    });

    static void Packed(CodedOutputStream o, int field, long[] values)
    {
        var body = Message(p => { foreach (var v in values) p.WriteInt64(v); });
        Sub(o, field, body);
    }

    static void Sub(CodedOutputStream o, int field, byte[] message)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(message));
    }

    static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true)) write(output);
        return stream.ToArray();
    }
}
