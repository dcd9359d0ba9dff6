using System.Diagnostics;

namespace TransferGen.Training.Callbacks;

/// <summary>Adds each epoch's wall-clock seconds of training and validation to its figures ("epoch_seconds").</summary>
public sealed class EpochTimer : ICallback
{
    readonly Stopwatch _clock = new();

    /// <inheritdoc />
    public void BeforeEpoch(TrainingContext context) => _clock.Restart();

    /// <inheritdoc />
    public void AfterValidate(TrainingContext context) => context.EpochMetrics["epoch_seconds"] = _clock.Elapsed.TotalSeconds;
}
