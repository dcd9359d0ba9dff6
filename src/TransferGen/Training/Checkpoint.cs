using TransferGen.IO;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Training;

/// <summary>What checkpoint.json records about the last finished epoch.</summary>
public sealed record CheckpointInfo
{
    /// <summary>Epochs finished (the epoch to resume at, counted from 0).</summary>
    public int EpochsCompleted { get; init; }

    /// <summary>Optimiser steps taken.</summary>
    public long GlobalStep { get; init; }

    /// <summary>Name of the phase whose optimiser state checkpoint.pt holds.</summary>
    public string Phase { get; init; } = "";

    /// <summary>Best validation score so far (negative infinity before the first validation).</summary>
    public double BestScore { get; init; } = double.NegativeInfinity;

    /// <summary>Validation loss at <see cref="BestEpoch"/> (the tie-break between equal scores).</summary>
    public double BestLoss { get; init; } = double.PositiveInfinity;

    /// <summary>Epoch of <see cref="BestScore"/>.</summary>
    public int BestEpoch { get; init; } = -1;

    /// <summary>Every finished epoch's figures.</summary>
    public List<Dictionary<string, double>> History { get; init; } = [];

    /// <summary>The seed of the run.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Wall-clock seconds the run has taken up to this checkpoint, summed over every process that worked on it (0 in
    /// checkpoints written before this was recorded).
    /// </summary>
    public double Seconds { get; init; }

    /// <summary>LibTorch's CPU generator state after the epoch, base64 (so dropout and other draws continue exactly).</summary>
    public string RngState { get; init; } = "";
}

/// <summary>
/// Writes and reads a checkpoint: checkpoint.pt holds the model weights, then those of an optional companion module
/// trained alongside it (a second head), then the optimiser state (TorchSharp formats), checkpoint.json the
/// <see cref="CheckpointInfo"/>. The .pt file is replaced first and the
/// .json last, each atomically, so a run killed at any moment resumes from a consistent epoch: the .json names
/// the epoch whose weights the .pt holds, or (killed between the two) the one before, which only repeats an epoch.
/// </summary>
public static class Checkpoint
{
    /// <summary>Saves model, companion (when given), optimiser and info into <paramref name="run"/>.</summary>
    public static void Save(RunFolder run, Module model, optim.Optimizer optimizer, CheckpointInfo info, Module? companion = null)
    {
        AtomicFile.Write(run.CheckpointPath, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            model.save(writer);
            companion?.save(writer);
            if (optimizer is TorchSharp.Modules.OptimizerHelper helper) helper.save_state_dict(writer);
            writer.Flush();
        });
        RunFolder.WriteJson(run.CheckpointInfoPath, info);
    }

    /// <summary>Reads checkpoint.json; null when the run has no checkpoint yet.</summary>
    public static CheckpointInfo? ReadInfo(RunFolder run) =>
        File.Exists(run.CheckpointInfoPath) ? RunFolder.ReadJson<CheckpointInfo>(run.CheckpointInfoPath) : null;

    /// <summary>
    /// Loads the model weights and, when given, the companion's (a checkpoint saved with one must be loaded with one)
    /// and the optimiser state.
    /// </summary>
    public static void Load(RunFolder run, Module model, optim.Optimizer? optimizer, Module? companion = null)
    {
        if (!File.Exists(run.CheckpointPath)) throw new InputException($"{run.CheckpointPath}: the checkpoint is missing.");
        try
        {
            using var stream = File.OpenRead(run.CheckpointPath);
            using var reader = new BinaryReader(stream);
            model.load(reader);
            companion?.load(reader);
            if (optimizer is TorchSharp.Modules.OptimizerHelper helper) helper.load_state_dict(reader);
        }
        catch (Exception e) when (e is not InputException)
        {
            throw new InputException($"{run.CheckpointPath}: the checkpoint cannot be read ({e.Message}).", e);
        }
    }

    /// <summary>LibTorch's default generator state, base64.</summary>
    public static string CaptureRng()
    {
        using var state = random.get_rng_state();
        return Convert.ToBase64String(state.bytes.ToArray());
    }

    /// <summary>Restores a state captured by <see cref="CaptureRng"/> (nothing for an empty string).</summary>
    public static void RestoreRng(string base64)
    {
        if (string.IsNullOrEmpty(base64)) return;
        var bytes = Convert.FromBase64String(base64);
        using var state = tensor(bytes, dtype: ScalarType.Byte);
        random.set_rng_state(state);
    }
}
