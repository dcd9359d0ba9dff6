using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Models.Gan;
using TransferGen.Training;

namespace TransferGen.Benchmarks.Gan;

/// <summary>
/// How the GAN benchmarks train a run one scoring interval at a time: each interval is an epoch of the run, continued
/// with the trainer's exact resume, so an interrupted benchmark picks up where its checkpoint is.
/// </summary>
internal static class GanBenchTraining
{
    /// <summary>
    /// Trains (or continues) the run in <paramref name="folder"/> to <paramref name="epochs"/> epochs; its EMA generator
    /// and that epoch's training seconds. A run that already reached those epochs (trained before the previous process
    /// could score it) is loaded, not trained again. <paramref name="data"/>: the training images, or null to load
    /// <see cref="GanTrainingConfig.Data"/>.
    /// </summary>
    public static (GanGenerator Generator, double Seconds) TrainTo(GanTrainingConfig config, string folder, int epochs, ImageDataset? data,
        IEnumerable<ICallback>? callbacks, CancellationToken cancellationToken)
    {
        var checkpoint = Checkpoint.Open(Path.Combine(folder, Checkpoint.FileName));
        if (checkpoint is { State.BatchesDone: 0 } && checkpoint.State.EpochsCompleted >= epochs)
        {
            var (generator, _) = GanModelFiles.Load(folder);
            return (generator, checkpoint.State.History[epochs - 1].GetValueOrDefault("epoch_seconds"));
        }
        // The run folder is the benchmark's own: an earlier run there is replaced (only TransferGen's files are removed).
        var result = checkpoint is not null
            ? GanTrainer.Resume(new RunFolder(folder), epochs, null, callbacks, data, cancellationToken)
            : data is null
                ? GanTrainer.Train(config with { Epochs = epochs }, folder, callbacks, overwrite: true, cancellationToken)
                : GanTrainer.Train(data, config with { Epochs = epochs }, new RunFolder(folder), callbacks, overwrite: true, cancellationToken);
        if (result.Diverged)
        {
            result.Dispose();
            throw new InvalidOperationException($"{folder} diverged at epoch {epochs}: {result.Context.StopReason}");
        }
        return (result.Generator, result.Context.History[^1].GetValueOrDefault("epoch_seconds"));
    }
}
