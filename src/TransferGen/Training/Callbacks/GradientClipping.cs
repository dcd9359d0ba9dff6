using static TorchSharp.torch;

namespace TransferGen.Training.Callbacks;

/// <summary>
/// Rescales the gradients of every update so their global L2 norm is at most <paramref name="maxNorm"/>, after the
/// backward pass and before the optimiser steps (the "after backward" event).
/// </summary>
/// <param name="maxNorm">The largest norm allowed.</param>
/// <param name="optimizer">Clip only the updates of the optimiser with this name; all when null.</param>
public sealed class GradientClipping(double maxNorm, string? optimizer = null) : ICallback
{
    /// <inheritdoc />
    public void AfterBackward(TrainingContext context, OptimizerStep step)
    {
        if (optimizer is not null && step.Name != optimizer) return;
        var parameters = step.Optimizer.parameters().Where(p => p.grad is not null).ToList();
        if (parameters.Count > 0) nn.utils.clip_grad_norm_(parameters, maxNorm);
    }
}
