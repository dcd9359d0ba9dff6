namespace TransferGen.Training;

/// <summary>
/// A stretch of epochs trained the same way: a fine-tune's probe, then its fine-tune; a GAN run's single phase.
/// Schedules run over a phase (warm-up and decay restart with each), optimiser state is checkpointed per phase, and
/// early stopping watches only phases with a <see cref="Patience"/>.
/// </summary>
/// <param name="Name">Shown in progress lines and recorded in checkpoints ("probe", "finetune", "gan").</param>
/// <param name="FirstEpoch">First epoch of the phase, counted from 0 over the whole run.</param>
/// <param name="Epochs">Number of epochs.</param>
public record TrainingPhase(string Name, int FirstEpoch, int Epochs)
{
    /// <summary>Epochs without a better monitored score after which training stops (0: this phase never stops early).</summary>
    public int Patience { get; init; }

    /// <summary>True when <paramref name="epoch"/> falls in this phase.</summary>
    public bool Covers(int epoch) => epoch >= FirstEpoch && epoch < FirstEpoch + Epochs;

    /// <summary>True when <paramref name="epoch"/> is the phase's last.</summary>
    public bool EndsWith(int epoch) => epoch == FirstEpoch + Epochs - 1;

    /// <summary>
    /// Progress through the phase, 0 at its first step and 1 at its end, at batch <paramref name="batchIndex"/> of
    /// <paramref name="epoch"/> with <paramref name="batchesPerEpoch"/> batches an epoch.
    /// </summary>
    public double ProgressAt(int epoch, int batchIndex, int batchesPerEpoch)
    {
        var steps = (double)Epochs * batchesPerEpoch;
        return steps == 0 ? 1 : ((epoch - FirstEpoch) * (double)batchesPerEpoch + batchIndex) / steps;
    }
}
