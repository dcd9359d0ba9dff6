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
/// Every file is written atomically. A process writing into a run folder holds its lock (<see cref="Lock"/>), so two
/// never mix their files; a new run starts only in a new or empty folder, or with overwrite in a run folder, from which
/// then exactly the <see cref="OwnFiles"/> are removed (<see cref="CreateNew"/>).
/// </summary>
public sealed class RunFolder
{
    /// <summary>
    /// The files TransferGen writes into a run folder, relative to it ('*' stands for any part of a name): the only files
    /// an overwrite removes, together with the temporary files of their atomic writes. Anything else in a run folder is the
    /// user's and is never touched.
    /// </summary>
    public static IReadOnlyList<string> OwnFiles { get; } =
    [
        "config.json", "metrics.json", "metrics.jsonl", "model.pt", Checkpoint.FileName, "checkpoint.json", "curves.png",
        "lr-find.json", "lr-find.png", "confusion-*.png", "tensorboard/events.out.tfevents.*", "samples/epoch-*.png",
        "samples/latest.png", FolderLock.FileName,
        "report.html",   // `transfergen report RUN` (RunReports.RunReport.FileName; a layer above this one)
    ];

    // The kinds whose runs continue with --resume (an lr-find has nothing to continue).
    static readonly string[] Resumable = ["finetune", "pretrain", "gan"];

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

    /// <summary>Creates the folder (an <see cref="InputException"/> naming it when that is refused).</summary>
    public RunFolder Create()
    {
        AtomicFile.CreateFolder(Path);
        return this;
    }

    /// <summary>
    /// Locks the (existing) folder for this process until the lock is disposed or the process ends (see
    /// <see cref="FolderLock"/>); an <see cref="InputException"/> naming the process that holds it.
    /// </summary>
    public FolderLock Lock() => FolderLock.Acquire(Path);

    /// <summary>
    /// Checks, without changing anything, that a new run of <paramref name="kind"/> may start here (see
    /// <see cref="CreateNew"/>); callers check before long preparations, so a refusal comes at once.
    /// </summary>
    public void CheckNew(string kind, bool overwrite = false) => CheckNew(kind, overwrite, probeLock: true);

    void CheckNew(string kind, bool overwrite, bool probeLock)
    {
        if (File.Exists(Path)) throw new InputException($"{Path} is a file; a run needs a folder (a new one, or an empty one).");
        if (IsEmpty(Path)) return;
        var existing = TryReadKind(Path)
            ?? throw new InputException($"{Path} is not empty and is not a TransferGen run folder; choose a new or empty folder " +
                                        "(TransferGen never writes among files it did not write).");
        // A run in progress says so (naming its process) rather than that the folder holds a run.
        if (probeLock) Lock().Dispose();
        if (overwrite) return;
        var path = Escaped(Path);
        if (existing == kind && Resumable.Contains(kind))
            throw new InvalidOptionException($"{path} already holds a '{kind}' run; continue it with {{0}} {path}, pass {{1}} to replace it " +
                                             "(only the files TransferGen wrote are removed), or choose another folder.", "Resume", "Overwrite");
        throw new InvalidOptionException($"{path} already holds a '{existing}' run; pass {{0}} to replace it (only the files TransferGen wrote " +
                                         "are removed), or choose another folder.", "Overwrite");
    }

    /// <summary>
    /// Starts a new run of <paramref name="kind"/> here and returns the folder's lock, which the caller holds for the
    /// whole run. The folder must be new or empty, or, with <paramref name="overwrite"/>, a TransferGen run folder, whose
    /// <see cref="OwnFiles"/> are then removed (nothing else). Otherwise an <see cref="InputException"/> naming the folder.
    /// </summary>
    public FolderLock CreateNew(string kind, bool overwrite = false)
    {
        CheckNew(kind, overwrite);
        Create();
        var held = Lock();
        try
        {
            // Checked again under the lock: another process may have started a run here since.
            CheckNew(kind, overwrite, probeLock: false);
            if (overwrite) RemoveOwnFiles();
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Deletes the <see cref="OwnFiles"/> (but the lock file) and their temporary files, and then the tensorboard/ and
    /// samples/ folders if nothing else is left in them; returns the count of files deleted. Folders reached through
    /// a symbolic link are left alone.
    /// </summary>
    public int RemoveOwnFiles()
    {
        var removed = 0;
        foreach (var sub in new[] { "", "samples", "tensorboard" })
        {
            var dir = Combine(sub);
            if (!Directory.Exists(dir) || (sub.Length > 0 && new DirectoryInfo(dir).LinkTarget is not null)) continue;
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var relative = sub.Length == 0 ? System.IO.Path.GetFileName(file) : sub + "/" + System.IO.Path.GetFileName(file);
                if (relative == FolderLock.FileName || !IsOwnFile(relative)) continue;
                try
                {
                    File.Delete(file);
                }
                catch (Exception e) when (FileErrors.Problem(e) is { } problem)
                {
                    throw new InputException($"{file} could not be removed to replace the run: {problem}.", e);
                }
                removed++;
            }
            if (sub.Length > 0 && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
        return removed;
    }

    /// <summary>
    /// True when <paramref name="relative"/> (a path inside a run folder, '/'-separated) is one of the <see cref="OwnFiles"/>
    /// or a temporary file of one.
    /// </summary>
    public static bool IsOwnFile(string relative)
    {
        var normalized = relative.Replace('\\', '/');
        var slash = normalized.LastIndexOf('/');
        var (dir, name) = slash < 0 ? ("", normalized) : (normalized[..slash], normalized[(slash + 1)..]);
        if (AtomicFile.TemporaryName().Match(name) is { Success: true } temporary) name = temporary.Groups["target"].Value;
        return OwnFiles.Any(pattern =>
        {
            var cut = pattern.LastIndexOf('/');
            var (patternDir, patternName) = cut < 0 ? ("", pattern) : (pattern[..cut], pattern[(cut + 1)..]);
            return patternDir == dir && Matches(patternName, name);
        });
    }

    /// <summary>True when <paramref name="path"/> is missing or holds nothing but a lock file.</summary>
    public static bool IsEmpty(string path) =>
        !Directory.Exists(path) || Directory.EnumerateFileSystemEntries(path).All(e => System.IO.Path.GetFileName(e) == FolderLock.FileName);

    // A name pattern with at most one '*'.
    static bool Matches(string pattern, string name)
    {
        var star = pattern.IndexOf('*');
        if (star < 0) return pattern == name;
        var (prefix, suffix) = (pattern[..star], pattern[(star + 1)..]);
        return name.Length >= prefix.Length + suffix.Length && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal);
    }

    static string Escaped(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    // The kind of the run in the folder, or null when it is none that this TransferGen recognises (no or an unreadable config.json).
    static string? TryReadKind(string path)
    {
        try
        {
            return ReadKind(path);
        }
        catch (Exception e) when (e is InputException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
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
            StateDictCheck.Check(stream, module, stream.Length, path);
            using var reader = new BinaryReader(stream);
            module.load(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new InputException($"{path} is truncated: the file ends before all of the model's weights are read.", e);
        }
        catch (Exception e) when (e is not InputException)
        {
            throw new InputException($"{path}: the weights do not fit this model ({e.Message}).", e);
        }
    }

    string Combine(string name) => System.IO.Path.Combine(Path, name);
}
