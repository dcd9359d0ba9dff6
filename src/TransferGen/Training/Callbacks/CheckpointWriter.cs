namespace TransferGen.Training.Callbacks;

/// <summary>
/// Writes <c>RUN/checkpoint.pt</c> (see <see cref="Checkpoint"/>) at the end of every epoch, after the other
/// callbacks, and when the run is cancelled mid-epoch, so Ctrl-C loses nothing and <c>--resume</c> continues from the
/// next batch. A divergence stop never reaches it, so the file stays that of the last good epoch.
/// </summary>
/// <param name="folder">The run folder.</param>
/// <param name="kind">The run's kind, recorded in the checkpoint.</param>
/// <param name="when">Which epoch ends get a checkpoint (all when null): a fine-tune's probe on cached features, whose
/// epochs take milliseconds, is checkpointed only at its end.</param>
public sealed class CheckpointWriter(string folder, string kind, Func<TrainingContext, bool>? when = null) : ICallback
{
    /// <summary>After every callback that changes the state it records (metrics, best model: up to 150).</summary>
    public int Order => 200;

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
