namespace TransferGen.Interop.Onnx;

/// <summary>
/// One node of an imported graph, in execution order: what it computes and where its weights live.
/// Callers use the list to find stages of a network (e.g. to freeze everything up to a given node).
/// </summary>
/// <param name="Name">The node's ONNX name, or OpType_index when the file leaves it unnamed.</param>
/// <param name="OpType">The ONNX op type, e.g. "Conv".</param>
/// <param name="ModuleName">
/// The child module of <see cref="OnnxModule"/> holding this node's weights (the prefix of their state_dict
/// keys), or null for a node without weights.
/// </param>
/// <param name="Inputs">ONNX value names the node reads ("" for an omitted optional input).</param>
/// <param name="Outputs">ONNX value names the node writes.</param>
public sealed record OnnxNodeInfo(
    string Name,
    string OpType,
    string? ModuleName,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs);
