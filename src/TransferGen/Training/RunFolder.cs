using System.Text.Json;
using TransferGen.IO;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Training;

/// <summary>
/// The files of one run (<c>--out RUN</c>), the same for every kind of run (finetune, pretrain, lr-find, gan):
/// config.json (its "kind" and everything needed to reproduce it), metrics.json/metrics.jsonl, model.pt (the selected
/// weights: a classifier's best, a GAN's EMA generator), checkpoint.pt (the full state for <c>--resume</c>, see
/// <see cref="Checkpoint"/>), curves.png, tensorboard/, and what a kind adds (a GAN's samples/, lr-find's lr-find.json).
/// Every file is written atomically.
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

    /// <summary>Everything a resume needs (see <see cref="Checkpoint"/>).</summary>
    public string CheckpointPath => Combine(Checkpoint.FileName);

    /// <summary>The summary of the run's metrics.</summary>
    public string MetricsPath => Combine("metrics.json");

    /// <summary>One JSON line per finished epoch.</summary>
    public string MetricsLinesPath => Combine("metrics.jsonl");

    /// <summary>Loss and accuracy curves.</summary>
    public string CurvesPath => Combine("curves.png");

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

    /// <summary>
    /// The "kind" recorded in the config.json of the run folder at <paramref name="path"/> ("finetune", "pretrain",
    /// "lr-find", "gan"); null when the folder has no config.json or it names no kind (a run of an older TransferGen).
    /// An <see cref="InputException"/> when the file is not JSON.
    /// </summary>
    public static string? ReadKind(string path)
    {
        var config = System.IO.Path.Combine(path, "config.json");
        if (!File.Exists(config)) return null;
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))?["kind"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InputException($"{config}: not a valid run file ({e.Message}).", e);
        }
    }

    /// <summary>
    /// The run folder at <paramref name="path"/> if its config.json says it is one of <paramref name="kinds"/>; else an
    /// <see cref="InputException"/> saying what it is instead (missing, another kind, or from an older TransferGen).
    /// </summary>
    public static RunFolder OfKind(string path, string what, params string[] kinds)
    {
        var run = Existing(path);
        var kind = ReadKind(run.Path);
        if (kind is not null && kinds.Contains(kind)) return run;
        if (kind is null)
            throw new InputException($"{path}: its config.json names no run kind, so it was written by an older TransferGen; {what} needs a run " +
                                     $"of kind {string.Join(" or ", kinds)} made by this version (train it again).");
        throw new InputException($"{path} is a '{kind}' run; {what} needs a run of kind {string.Join(" or ", kinds)}.");
    }

    /// <summary>The TransferGen, TorchSharp and .NET versions of this process, as config.json records them.</summary>
    public static Dictionary<string, string> CurrentVersions() => new()
    {
        ["transfergen"] = typeof(RunFolder).Assembly.GetName().Version?.ToString(3) ?? "?",
        ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "?",
        ["dotnet"] = Environment.Version.ToString(),
        // Results are bit-reproducible for a given intra-op thread count; a different count changes the rounding of
        // parallel reductions (gradients differ by ~1e-6 between 1 and 2 threads), so it is recorded with the run.
        ["intra_op_threads"] = TorchSharp.torch.get_num_threads().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

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
