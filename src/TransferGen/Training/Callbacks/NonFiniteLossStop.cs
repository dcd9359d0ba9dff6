namespace TransferGen.Training.Callbacks;

/// <summary>
/// Stops training, as a failure, the first time a step reports a NaN or infinite figure (by default any figure
/// whose name contains "loss"). Checkpoints written before that point stay the last good state.
/// </summary>
public sealed class NonFiniteLossStop : ICallback
{
    /// <summary>Runs before other callbacks, so none of them records the bad step.</summary>
    public int Order => -100;

    /// <inheritdoc />
    public void AfterBatch(TrainingContext context)
    {
        foreach (var (name, value) in context.LastStep)
            if (name.Contains("loss", StringComparison.Ordinal) && !double.IsFinite(value))
            {
                context.RequestStop($"training diverged: {name} became {value} at step {context.GlobalStep} (epoch {context.Epoch + 1}); " +
                                    "try a lower learning rate", failure: true);
                return;
            }
    }
}
