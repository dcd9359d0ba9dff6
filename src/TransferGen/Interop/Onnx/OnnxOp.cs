using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Interop.Onnx;

/// <summary>
/// One executable graph node. Ops whose weights should train or be saved keep them in <see cref="Module"/>,
/// which <see cref="OnnxModule"/> registers as a child under the node's name; everything else is stateless.
/// </summary>
internal abstract class OnnxOp
{
    /// <summary>The module holding this op's weights (a real Conv2d, BatchNorm2d, Linear...), or null.</summary>
    public virtual nn.Module? Module => null;

    /// <summary>
    /// For inputs the op took as weights: the tensor's name inside <see cref="Module"/> (e.g. input 1 of Conv is
    /// "weight"), so the importer can say which state_dict key holds which ONNX initializer.
    /// </summary>
    public virtual IReadOnlyList<(int Input, string Name)> WeightNames => [];

    /// <summary>
    /// Runs the op. <paramref name="inputs"/> follows the node's input list; entries are null for omitted optional
    /// inputs and for inputs the op consumed at import time (its weights). Returns one fresh tensor per output:
    /// never an input object itself, because the caller disposes intermediate values after their last use.
    /// </summary>
    public abstract Tensor[] Run(IReadOnlyList<Tensor?> inputs, bool training);

    /// <summary>The dynamic input at <paramref name="index"/>, which the graph must supply.</summary>
    internal static Tensor Input(IReadOnlyList<Tensor?> inputs, int index) =>
        index < inputs.Count && inputs[index] is { } t ? t : throw new OnnxMissingInputException(index);
}

/// <summary>A node of the file's graph omits an input its op needs (the file is damaged or malformed).</summary>
internal sealed class OnnxMissingInputException(int index) : InvalidOperationException($"input {index} is missing at run time")
{
    /// <summary>The missing input's position.</summary>
    public int Index { get; } = index;
}

/// <summary>An op defined by a function of its inputs, for the many stateless ops.</summary>
internal sealed class FunctionOp(Func<IReadOnlyList<Tensor?>, bool, Tensor[]> run) : OnnxOp
{
    /// <inheritdoc />
    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, bool training) => run(inputs, training);

    /// <summary>An op with one dynamic input and one output.</summary>
    public static FunctionOp Unary(Func<Tensor, Tensor> f) => new((inputs, _) => [f(Input(inputs, 0))]);
}

/// <summary>
/// A module that only holds named tensors: trainable weights as parameters, imported constants as buffers,
/// so both move with the module between devices and travel in its state_dict.
/// </summary>
internal sealed class OnnxTensorHolder(string name) : nn.Module(name)
{
    readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    /// <summary>
    /// Registers <paramref name="value"/> (the holder takes ownership) under <paramref name="key"/>, or under
    /// key_2, key_3… when two ONNX names sanitise alike; returns the key used.
    /// </summary>
    public string Add(string key, Tensor value, bool trainable)
    {
        key = OnnxNames.Unique(key, _keys);
        if (trainable) register_parameter(key, new TorchSharp.Modules.Parameter(value, requires_grad: true));
        else register_buffer(key, value);
        return key;
    }

    /// <summary>The current tensor under <paramref name="key"/> (looked up each time, since moving devices replaces it).</summary>
    public Tensor Get(string key) =>
        get_parameter(key) ?? get_buffer(key) ?? throw new InvalidOperationException($"no tensor '{key}' in {GetName()}");
}
