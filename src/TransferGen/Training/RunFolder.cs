using System.Text.Json;
using TransferGen.IO;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Training;

/// <summary>
/// The files of one training run (<c>--out RUN</c>): config.json (everything needed to reproduce it),
/// metrics.json/metrics.jsonl, model.pt (the selected weights), checkpoint.pt + checkpoint.json (the last epoch's
/// full state, for <c>--resume</c>) and tensorboard/. Every file is written atomically.
/// </summary>
public sealed class RunFolder
{
    /// <summary>
    /// The JSON conventions of the run files: <see cref="JsonDefaults.Options"/> (snake_case, indented, enums as strings,
    /// NaN/∞ allowed: before the first validation the best score is -∞, and diverged runs record NaN losses).
    /// </summary>
    public static JsonSerializerOptions Json => JsonDefaults.Options;

    /// <summary>Uses (without creating) the folder at <paramref name="path"/>.</summary>
    public RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The run's configuration.</summary>
    public string ConfigPath => Combine("config.json");

    /// <summary>The selected model weights (TorchSharp format).</summary>
    public string ModelPath => Combine("model.pt");

    /// <summary>Model and optimiser state of the last finished epoch.</summary>
    public string CheckpointPath => Combine("checkpoint.pt");

    /// <summary>Epoch, step, history, best score and RNG state of the last finished epoch.</summary>
    public string CheckpointInfoPath => Combine("checkpoint.json");

    /// <summary>TensorBoard event files.</summary>
    public string TensorBoardPath => Combine("tensorboard");

    /// <summary>Creates the folder.</summary>
    public RunFolder Create()
    {
        Directory.CreateDirectory(Path);
        return this;
    }

    /// <summary>The run folder at <paramref name="path"/>, which must hold a config.json; else an <see cref="InputException"/>.</summary>
    public static RunFolder Existing(string path)
    {
        var run = new RunFolder(path);
        if (!Directory.Exists(run.Path)) throw new InputException($"{path}: no such run folder.");
        if (!File.Exists(run.ConfigPath)) throw new InputException($"{path}: not a run folder (it has no config.json).");
        return run;
    }

    /// <summary>Writes <paramref name="value"/> as JSON to <paramref name="path"/>, atomically.</summary>
    public static void WriteJson<T>(string path, T value) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, Json));

    /// <summary>Reads a JSON file of this run; an <see cref="InputException"/> naming it when missing or malformed.</summary>
    public static T ReadJson<T>(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such file.");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}: not a valid run file ({e.Message}).", e);
        }
    }

    /// <summary>Saves <paramref name="module"/>'s weights to <paramref name="path"/> atomically (TorchSharp format).</summary>
    public static void SaveWeights(Module module, string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        module.save(writer);
        writer.Flush();
    });

    /// <summary>Loads weights saved by <see cref="SaveWeights"/>; an <see cref="InputException"/> naming the file on mismatch.</summary>
    public static void LoadWeights(Module module, string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such model file.");
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            module.load(reader);
        }
        catch (Exception e) when (e is not InputException)
        {
            throw new InputException($"{path}: the weights do not fit this model ({e.Message}).", e);
        }
    }

    string Combine(string name) => System.IO.Path.Combine(Path, name);
}
