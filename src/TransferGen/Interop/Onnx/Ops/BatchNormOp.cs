using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferGen.Interop.Onnx.Ops;

/// <summary>
/// ONNX BatchNormalization as a real <see cref="BatchNorm2d"/>, so the imported network trains like a torch
/// one: batch statistics and running-stat updates in training mode, the stored statistics in eval mode.
/// Inputs of rank other than 4 are viewed as [N, C, rest, 1], which normalises over the same elements.
/// </summary>
internal sealed class BatchNormOp : OnnxOp
{
    readonly BatchNorm2d _bn;

    BatchNormOp(BatchNorm2d bn) => _bn = bn;

    /// <inheritdoc />
    public override nn.Module Module => _bn;

    /// <inheritdoc />
    public override IReadOnlyList<(int Input, string Name)> WeightNames =>
        [(1, "weight"), (2, "bias"), (3, "running_mean"), (4, "running_var")];

    /// <summary>Builds the op from a BatchNormalization node (scale, bias, mean and var from initializers).</summary>
    public static BatchNormOp Create(OnnxNodeContext c)
    {
        if (c.Int("spatial", 1) != 1)
            throw new NotSupportedException("spatial=0 (per-element statistics) is not supported");
        if (c.UsedOutputs > 1)
            throw new NotSupportedException("its training-mode outputs (running and saved statistics) are not supported");
        var scale = c.RequireStatic(1, "scale");
        var bias = c.RequireStatic(2, "bias");
        var mean = c.RequireStatic(3, "mean");
        var variance = c.RequireStatic(4, "var");
        // ONNX weights the old running value by momentum; torch weights the new batch value by momentum.
        double momentum = 1.0 - c.Float("momentum", 0.9f);
        var bn = nn.BatchNorm2d(scale.ElementCount, eps: c.Float("epsilon", 1e-5f), momentum: momentum);
        OnnxWeights.CopyInto(bn.weight, scale);
        OnnxWeights.CopyInto(bn.bias!, bias);
        OnnxWeights.CopyInto(bn.running_mean!, mean);
        OnnxWeights.CopyInto(bn.running_var!, variance);
        return new BatchNormOp(bn);
    }

    /// <inheritdoc />
    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, bool training)
    {
        var x = Input(inputs, 0);
        if (x.dim() == 4) return [_bn.forward(x)];
        using var view = x.reshape(x.shape[0], x.shape[1], -1, 1);
        using var y = _bn.forward(view);
        return [y.reshape(x.shape)];
    }
}
