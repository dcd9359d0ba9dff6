using TorchSharp;
using static TorchSharp.torch;
using TransferGen.Interop.Onnx.Proto;

namespace TransferGen.Interop.Onnx;

/// <summary>Where a step's input comes from at run time.</summary>
internal enum OnnxArgKind
{
    /// <summary>Omitted, or taken by the op at import time: the op receives null.</summary>
    None,
    /// <summary>A value computed by an earlier step (or the graph input).</summary>
    Value,
    /// <summary>An imported constant kept as a buffer in a holder module.</summary>
    Constant,
}

/// <summary>One input of a step: its source, and the value name or the holder and key of a constant.</summary>
internal readonly record struct OnnxArg(OnnxArgKind Kind, string Name, OnnxTensorHolder? Holder = null);

/// <summary>One node ready to run: the op, the child module holding its tensors (if any), its argument sources.</summary>
internal sealed record OnnxStep(OnnxNodeProto Node, string DisplayName, string? ModuleName, OnnxOp Op, OnnxArg[] Args)
{
    /// <summary>The node's output value names ("" for an omitted optional output).</summary>
    public IReadOnlyList<string> Outputs => Node.Outputs;
}

/// <summary>
/// A graph turned into steps in execution order, plus everything <see cref="OnnxModule"/> registers:
/// the modules holding weights and constants, in graph order, and which state_dict key holds which initializer.
/// </summary>
internal sealed record OnnxProgram(
    long Opset,
    string InputName,
    IReadOnlyList<long?>? InputDims,
    string OutputName,
    IReadOnlyList<OnnxStep> Steps,
    IReadOnlyList<(string Key, nn.Module Module)> Modules,
    IReadOnlyDictionary<string, string> InitializerKeys);
