namespace TransferGen.Training.Callbacks;

/// <summary>
/// Writes <c>RUN/checkpoint.pt</c> (see <see cref="Checkpoint"/>) at the end of every epoch and when the run is
/// cancelled mid-epoch, so Ctrl-C loses nothing and <c>--resume</c> continues from the next batch. A divergence stop
/// never reaches it, so the file stays that of the last good epoch. At an epoch's end it runs after the callbacks whose
/// state it records and before the loggers (metrics, curves, TensorBoard, samples) and the model writer: when a write
/// fails (a full disk), no file claims an epoch that the checkpoint does not hold.
/// </summary>
/// <param name="folder">The run folder.</param>
/// <param name="kind">The run's kind, recorded in the checkpoint.</param>
/// <param name="when">Which epoch ends get a checkpoint (all when null): a fine-tune's probe on cached features, whose
/// epochs take milliseconds, is checkpointed only at its end.</param>
public sealed class CheckpointWriter(string folder, string kind, Func<TrainingContext, bool>? when = null) : ICallback
{
    /// <summary>After the callbacks that change the state it records (best model 50, early stopping 60), before the loggers (100).</summary>
    public int Order => 90;

    /// <summary>The run folder.</summary>
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>The checkpoint's path.</summary>
    public string FilePath => Path.Combine(Folder, Checkpoint.FileName);

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        if (when is not null && !when(context) && !context.StopRequested) return;
        // The loop appends this epoch to the history only after AfterEpoch.
        Checkpoint.Write(FilePath, context, kind, [.. context.History, new Dictionary<string, double>(context.EpochMetrics)], midEpoch: false);
    }

    /// <inheritdoc />
    public void AfterCancel(TrainingContext context) => Checkpoint.Write(FilePath, context, kind, context.History, midEpoch: true);
}
