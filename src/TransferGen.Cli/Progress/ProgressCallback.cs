using TransferGen.Training;

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
        progress.Batch(context.BatchIndex, context.BatchImages, context.LastStep);

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context) => progress.EndEpoch(context.EpochMetrics);

    /// <inheritdoc />
    public void Activity(TrainingContext context, TrainingActivity activity) => progress.Activity(activity.Name, activity.Done, activity.Total);

    /// <inheritdoc />
    public void AfterFit(TrainingContext context) =>
        // A cancelled run's sentence is the command's to print (with how to resume).
        progress.EndRun(context.Stop == StopKind.Cancelled ? null : context.StopReason);

    // A fine-tune names its phase, so a gradual unfreeze shows which stages are training; a GAN run has only one.
    string? Phase(TrainingContext context) => format == ProgressFormat.Gan ? null : context.Phase?.Name;
}
