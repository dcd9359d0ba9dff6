using System.Text.Json;
using TransferGen.IO;

namespace TransferGen.Benchmarks.Transfer;

/// <summary>
/// The benchmark folder: results.json (rewritten atomically after every run, so a benchmark killed midway keeps what
/// finished), results.md (the README table) and runs/K-method/ (each run's folder).
/// </summary>
public static class TransferBenchFiles
{
    /// <summary>
    /// <see cref="JsonDefaults.Options"/> (snake_case, indented, NaN allowed: a diverged run may carry one); the same
    /// shape as `bench transfer --json`.
    /// </summary>
    public static JsonSerializerOptions Json => JsonDefaults.Options;

    /// <summary>The results file in <paramref name="folder"/>.</summary>
    public static string ResultsPath(string folder) => Path.Combine(folder, "results.json");

    /// <summary>The markdown table in <paramref name="folder"/>.</summary>
    public static string MarkdownPath(string folder) => Path.Combine(folder, "results.md");

    /// <summary>The run folder of one run, relative to the benchmark folder: runs/K-method.</summary>
    public static string RunFolder(LabelBudget labels, TransferMethod method) => Path.Combine("runs", $"{labels}-{method.Name()}");

    /// <summary>The report as JSON text.</summary>
    public static string Serialize(TransferBenchReport report) => JsonSerializer.Serialize(report, Json);

    /// <summary>Writes results.json and results.md into <paramref name="folder"/>, each atomically.</summary>
    public static void Save(string folder, TransferBenchReport report)
    {
        AtomicFile.WriteAllText(ResultsPath(folder), Serialize(report) + "\n");
        AtomicFile.WriteAllText(MarkdownPath(folder), TransferBenchMarkdown.Render(report));
    }

    /// <summary>
    /// The report to continue from in <paramref name="folder"/>. Without <paramref name="resume"/>, a folder that
    /// already holds results is refused (rerunning would overwrite hours of runs); with it, the earlier runs are kept
    /// when they were made with the same budget, and the new lists and command line are taken. A file, or a folder
    /// holding other files but no results.json, is refused: the benchmark writes only into a folder of its own.
    /// </summary>
    public static TransferBenchReport Start(string folder, TransferBenchReport fresh, bool resume)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        if (File.Exists(folder)) throw new InputException($"{folder} is a file; the benchmark needs a folder (a new or empty one).");
        var path = ResultsPath(folder);
        if (!File.Exists(path))
        {
            if (!Training.RunFolder.IsEmpty(folder))
                throw new InputException($"{folder} is not empty and holds no transfer benchmark (results.json); choose a new or empty folder " +
                                         "(TransferGen never writes among files it did not write).");
            return fresh;
        }
        var earlier = Read(path);
        if (!resume)
        {
            if (earlier.Runs.Count == 0) return fresh;
            throw new InputException($"{path} already holds {earlier.Runs.Count} finished runs; add --resume to keep them and run only the missing ones, or choose another --out.");
        }
        if (!fresh.Options.SameBudget(earlier.Options) || earlier.DatasetName != fresh.DatasetName
            || !(earlier.DatasetClasses ?? []).SequenceEqual(fresh.DatasetClasses ?? []))
            throw new InputException($"{path} was made with other settings ({earlier.DatasetName}, {earlier.Backbone}, {earlier.Options.Epochs} epochs, "
                                     + $"image size {earlier.Options.ImageSize}, seed {earlier.Options.Seed}); resume with the same ones or choose another --out.");
        return fresh with { Date = earlier.Date, Runs = earlier.Runs };
    }

    static TransferBenchReport Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TransferBenchReport>(File.ReadAllText(path), Json)
                   ?? throw new InputException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InputException($"{path} is not a transfer benchmark result ({e.Message.Split('\n')[0]}).", e);
        }
    }
}
