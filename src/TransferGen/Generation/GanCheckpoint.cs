using System.Text.Json;
using TorchSharp.Modules;
using TransferGen.IO;
using TransferGen.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>The plain (non-tensor) part of a GAN checkpoint.</summary>
/// <param name="EpochsCompleted">Epochs finished; a resume starts at this epoch index.</param>
/// <param name="GlobalStep">Steps taken so far.</param>
/// <param name="History">Every finished epoch's figures, so a resumed run continues its curves.</param>
/// <param name="Config">The run's options.</param>
public sealed record GanCheckpointState(int EpochsCompleted, long GlobalStep, List<Dictionary<string, double>> History,
    GanTrainingConfig Config);

/// <summary>
/// Everything a resume needs, in one file (<c>RUN/checkpoint.bin</c>) written atomically, so a crash or kill -9 leaves
/// either the previous checkpoint or the new one, never a mix: the state JSON, then G, D and the EMA generator
/// (TorchSharp state dicts, buffers included), both Adam states, and the latent RNG's state.
/// </summary>
/// <remarks>
/// The data order needs no saved state: the loader derives each epoch's order from (seed, epoch). The weights'
/// initial RNG is irrelevant after a resume, because the weights themselves are restored.
/// </remarks>
public static class GanCheckpoint
{
    const string Magic = "TransferGen GAN checkpoint v1";

    /// <summary>Path of the checkpoint inside a run folder.</summary>
    public static string PathIn(string run) => Path.Combine(run, "checkpoint.bin");

    /// <summary>The networks and optimizers a checkpoint covers.</summary>
    /// <param name="G">The generator being trained.</param>
    /// <param name="D">The discriminator.</param>
    /// <param name="EmaG">The EMA generator.</param>
    /// <param name="OptG">G's optimizer.</param>
    /// <param name="OptD">D's optimizer.</param>
    /// <param name="Rng">The generator of latent draws.</param>
    public sealed record Parts(GanGenerator G, GanDiscriminator D, GanGenerator EmaG, optim.Optimizer OptG, optim.Optimizer OptD, Generator Rng);

    /// <summary>Writes a checkpoint atomically.</summary>
    public static void Save(string path, GanCheckpointState state, Parts parts)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(state, GanTrainingConfig.Json));
            parts.G.save(writer);
            parts.D.save(writer);
            parts.EmaG.save(writer);
            Helper(parts.OptG).save_state_dict(writer);
            Helper(parts.OptD).save_state_dict(writer);
            using var rng = parts.Rng.get_state();
            var bytes = rng.bytes.ToArray();
            writer.Write(bytes.Length);
            writer.Write(bytes);
        });
    }

    /// <summary>Reads only the state JSON (to rebuild the networks before loading their weights).</summary>
    public static GanCheckpointState ReadState(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no checkpoint to resume from (the run finished no epoch).");
        using var reader = new BinaryReader(File.OpenRead(path));
        return ReadHeader(reader, path);
    }

    /// <summary>Loads weights, optimizer states and the RNG state into <paramref name="parts"/>; returns the state.</summary>
    public static GanCheckpointState Load(string path, Parts parts)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        var state = ReadHeader(reader, path);
        parts.G.load(reader);
        parts.D.load(reader);
        parts.EmaG.load(reader);
        Helper(parts.OptG).load_state_dict(reader);
        Helper(parts.OptD).load_state_dict(reader);
        var length = reader.ReadInt32();
        var bytes = reader.ReadBytes(length);
        using var rng = tensor(bytes, dtype: ScalarType.Byte);
        parts.Rng.set_state(rng);
        return state;
    }

    static GanCheckpointState ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            if (reader.ReadString() != Magic) throw new InputException($"{path} is not a TransferGen GAN checkpoint.");
            return JsonSerializer.Deserialize<GanCheckpointState>(reader.ReadString(), GanTrainingConfig.Json)
                   ?? throw new InputException($"{path} holds no checkpoint state.");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new InputException($"{path} is not a readable GAN checkpoint ({e.Message}).", e);
        }
    }

    // The state-dict methods live on OptimizerHelper, which every built-in TorchSharp optimizer derives from.
    static OptimizerHelper Helper(optim.Optimizer optimizer) => optimizer as OptimizerHelper
        ?? throw new ArgumentException($"optimizer {optimizer.GetType().Name} cannot save its state", nameof(optimizer));
}
