namespace TransferGen.Interop.Onnx.Proto;

// Plain in-memory forms of the few onnx.proto messages the importer needs. Field names follow onnx.proto so
// the ONNX specification can be read alongside; everything the importer never looks at is skipped when reading.

/// <summary>ModelProto: the graph plus the operator-set version that fixes each op's semantics.</summary>
internal sealed record OnnxModelProto(long IrVersion, long DefaultOpset, OnnxGraphProto Graph);

/// <summary>GraphProto: nodes (in file order), weights, and the declared inputs and outputs.</summary>
internal sealed record OnnxGraphProto(
    IReadOnlyList<OnnxNodeProto> Nodes,
    IReadOnlyList<OnnxTensorProto> Initializers,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs);

/// <summary>NodeProto: one operator application. Empty input names mark omitted optional inputs.</summary>
internal sealed record OnnxNodeProto(
    string Name,
    string OpType,
    string Domain,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, OnnxAttribute> Attributes);

/// <summary>AttributeProto, limited to the scalar, list, string and tensor kinds.</summary>
internal sealed record OnnxAttribute(
    string Name,
    OnnxAttributeType Type,
    float F,
    long I,
    byte[] S,
    OnnxTensorProto? T,
    IReadOnlyList<float> Floats,
    IReadOnlyList<long> Ints);

/// <summary>AttributeProto.AttributeType values (onnx.proto numbering).</summary>
internal enum OnnxAttributeType
{
    Undefined = 0, Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5,
    Floats = 6, Ints = 7, Strings = 8, Tensors = 9, Graphs = 10,
}

/// <summary>TensorProto.DataType values the importer can turn into tensors (onnx.proto numbering).</summary>
internal enum OnnxDataType
{
    Undefined = 0, Float = 1, Int32 = 6, Int64 = 7, Double = 11,
}

/// <summary>
/// TensorProto: a weight or constant. Values arrive either in a typed repeated field or as little-endian
/// bytes in raw_data; <see cref="Raw"/> is a slice of the file's bytes, so nothing is copied until use.
/// </summary>
internal sealed record OnnxTensorProto(
    string Name,
    long[] Dims,
    int DataType,
    float[]? FloatData,
    long[]? Int64Data,
    int[]? Int32Data,
    double[]? DoubleData,
    ReadOnlyMemory<byte>? Raw,
    bool ExternalData)
{
    /// <summary>Number of elements the dims promise (1 for a scalar).</summary>
    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);
}

/// <summary>ValueInfoProto: a graph input or output; Dims holds null for symbolic or missing sizes.</summary>
internal sealed record OnnxValueInfo(string Name, IReadOnlyList<long?>? Dims);
