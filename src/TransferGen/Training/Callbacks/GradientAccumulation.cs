namespace TransferGen.Training.Callbacks;

/// <summary>
/// Sums the gradients of <paramref name="steps"/> consecutive batches before each optimiser step, as one batch
/// <paramref name="steps"/> times larger would (each loss is divided by <paramref name="steps"/>).
/// </summary>
/// <param name="steps">Batches per optimiser step.</param>
public sealed class GradientAccumulation(int steps) : ICallback
{
    readonly int _steps = steps >= 1 ? steps : throw new ArgumentOutOfRangeException(nameof(steps), steps, "at least one batch per step");

    /// <inheritdoc />
    public void AfterLoss(TrainingContext context, OptimizerStep step)
    {
        if (_steps > 1) step.Loss = step.Loss / _steps;
    }

    /// <inheritdoc />
    public void AfterBackward(TrainingContext context, OptimizerStep step) =>
        step.SkipStep = (context.GlobalStep + 1) % _steps != 0;
}
