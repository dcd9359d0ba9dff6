using TransferGen.Data;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Cli.Progress;

/// <summary>
/// Feeds a <see cref="RunProgress"/> from the training loop's events. This is the only CLI code that reads
/// <see cref="TrainingContext"/>, so a change to the engine's members (the phase name, the batch) is a change here only.
/// </summary>
/// <param name="progress">Where the run is shown.</param>
/// <param name="format">What this kind of run shows.</param>
public sealed class ProgressCallback(RunProgress progress, ProgressFormat format) : ICallback
{
    /// <summary>Runs after the loggers and timers, when the epoch's figures are final.</summary>
    public int Order => 150;

    /// <inheritdoc />
    public void BeforeFit(TrainingContext context) =>
        progress.BeginRun(new RunShape(context.Epoch, context.Epochs, context.BatchesPerEpoch), format);

    /// <inheritdoc />
    public void BeforeEpoch(TrainingContext context) => progress.BeginEpoch(context.Epoch, Phase(context));

    /// <inheritdoc />
    public void AfterBatch(TrainingContext context) =>
        progress.Batch(context.BatchIndex, (context.Batch as Batch)?.Count ?? 0, context.LastStep);

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context) => progress.EndEpoch(context.EpochMetrics);

    /// <inheritdoc />
    public void AfterFit(TrainingContext context) => progress.EndRun(context.StopReason);

    // A fine-tune names its phase, so a gradual unfreeze shows which stages are training.
    static string? Phase(TrainingContext context) =>
        context.Items.TryGetValue(FineTuner.PhaseItem, out var name) ? name.ToString() : null;
}
