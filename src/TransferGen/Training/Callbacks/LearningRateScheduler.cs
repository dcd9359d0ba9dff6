namespace TransferGen.Training.Callbacks;

/// <summary>
/// Sets every optimiser's parameter-group rates before each step to their base rates (<see cref="NamedOptimizer.BaseRates"/>)
/// times <paramref name="factor"/> of the progress through the current phase (0 at its first step, 1 at its end), so
/// discriminative rates keep their ratios and each phase gets its own warm-up and decay.
/// </summary>
/// <param name="factor">The multiplier as a function of phase progress (see <see cref="LearningRateSchedule"/>).</param>
public sealed class LearningRateScheduler(Func<double, double> factor) : ICallback
{
    /// <summary>Early, before callbacks that look at the rates.</summary>
    public int Order => -150;

    /// <inheritdoc />
    public void BeforeBatch(TrainingContext context)
    {
        var phase = context.Phase ?? new TrainingPhase("all", 0, context.Epochs);
        var f = factor(phase.ProgressAt(context.Epoch, context.BatchIndex, context.BatchesPerEpoch));
        foreach (var named in context.Optimizers)
        {
            var i = 0;
            foreach (var group in named.Optimizer.ParamGroups) group.LearningRate = named.BaseRates[i++] * f;
        }
    }
}
