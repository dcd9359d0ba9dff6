using TransferGen.Training;

namespace TransferGen.Generation;

/// <summary>
/// At the end of every epoch, after the metrics are logged, writes the checkpoint (everything a resume needs) and the
/// model files (EMA generator + description). A run stopped by divergence never reaches this for the bad epoch, so
/// the files on disk stay those of the last good epoch.
/// </summary>
/// <param name="run">The run folder.</param>
/// <param name="config">The run's options, stored in the checkpoint.</param>
/// <param name="parts">The networks, optimizers and RNG to save.</param>
/// <param name="info">The model description (its epoch count is filled in per epoch).</param>
public sealed class GanCheckpointCallback(string run, GanTrainingConfig config, GanCheckpoint.Parts parts, GanModelInfo info) : ICallback
{
    /// <summary>After MetricsLog (100), so a checkpoint never claims an epoch whose metrics are not on disk.</summary>
    public int Order => 200;

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        // The loop appends this epoch to History only after AfterEpoch, so add it here.
        var history = context.History.Select(h => new Dictionary<string, double>(h)).ToList();
        history.Add(new Dictionary<string, double>(context.EpochMetrics));
        var state = new GanCheckpointState(context.Epoch + 1, context.GlobalStep, history, config);
        GanCheckpoint.Save(GanCheckpoint.PathIn(run), state, parts);
        GanModelFiles.Save(run, parts.EmaG, info with { Epochs = context.Epoch + 1 });
    }
}
