using System.Text.Json;
using TransferGen.Data;
using TransferGen.IO;
using TransferGen.SyntheticData;
using TransferGen.Training;

namespace TransferGen.Benchmarks.Augment;

/// <summary>
/// `transfergen augment`: <see cref="GanAugmentedFineTune"/> over several seeds into one folder — results.json and
/// results.md (rewritten atomically after every seed, so a stopped experiment keeps what finished) and seed-N/ with
/// each seed's run folders.
/// </summary>
public static class AugmentExperiment
{
    /// <summary>The results file in <paramref name="folder"/>.</summary>
    public static string ResultsPath(string folder) => Path.Combine(folder, "results.json");

    /// <summary>The markdown table in <paramref name="folder"/>.</summary>
    public static string MarkdownPath(string folder) => Path.Combine(folder, "results.md");

    /// <summary>The folder of one seed's runs.</summary>
    public static string SeedFolder(string folder, int seed) => Path.Combine(folder, $"seed-{seed}");

    /// <summary>
    /// Runs the seeds of <paramref name="fresh"/> missing from <paramref name="folder"/>. The folder must be new or empty;
    /// with <paramref name="resume"/> it may hold an earlier experiment with the same options, whose finished seeds are
    /// kept (a seed cut off midway starts over).
    /// </summary>
    public static AugmentReport Run(ImageDataset dataset, AugmentReport fresh, string folder, bool resume,
        Func<string, IEnumerable<ICallback>>? fineTuneCallbacks = null, IEnumerable<ICallback>? ganCallbacks = null,
        Action<string>? progress = null, Action<string>? warn = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(fresh);
        fresh.Options.Validate();
        if (fresh.Seeds.Count == 0) throw new InputException("--seeds names no seed.");
        var report = Start(folder, fresh, resume);
        Save(folder, report);
        foreach (var seed in report.Seeds)
        {
            if (report.Runs.Any(r => r.Seed == seed)) continue;
            var seedFolder = SeedFolder(folder, seed);
            // A seed cut off midway left run folders of its own, which a new attempt replaces (overwrite removes only TransferGen's files).
            var result = GanAugmentedFineTune.Run(dataset, report.Options, seed, seedFolder, fineTuneCallbacks, ganCallbacks, progress, warn,
                overwrite: Directory.Exists(seedFolder), cancellationToken);
            report.Runs.Add(result);
            Save(folder, report);
        }
        return report;
    }

    /// <summary>Writes results.json and results.md atomically.</summary>
    public static void Save(string folder, AugmentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        AtomicFile.WriteAllText(ResultsPath(folder), JsonSerializer.Serialize(report, JsonDefaults.Options) + "\n");
        AtomicFile.WriteAllText(MarkdownPath(folder), AugmentMarkdown.Render(report));
    }

    static AugmentReport Start(string folder, AugmentReport fresh, bool resume)
    {
        if (File.Exists(folder)) throw new InputException($"{folder} is a file; augment needs a folder (a new or empty one).");
        var path = ResultsPath(folder);
        if (!File.Exists(path))
        {
            if (!RunFolder.IsEmpty(folder))
                throw new InputException($"{folder} is not empty and holds no augment results (results.json); choose a new or empty folder " +
                                         "(TransferGen never writes among files it did not write).");
            return fresh;
        }
        AugmentReport earlier;
        try
        {
            var text = File.ReadAllText(path);
            earlier = JsonSerializer.Deserialize<AugmentReport>(text, JsonDefaults.Options)
                      ?? throw new InputException($"{path} is empty.");
            if (System.Text.Json.Nodes.JsonNode.Parse(text)?["options"]?["equal_steps"] is null)
                throw new InputException($"{path} was made before the augmented fine-tune got the real-only one's steps " +
                                         "(its augmented runs trained longer), so its seeds cannot be mixed with new ones; choose another --out.");
        }
        catch (JsonException e)
        {
            throw new InputException($"{path} is not an augment result ({e.Message.Split('\n')[0]}).", e);
        }
        if (!resume)
            throw new InputException($"{path} already holds an augment experiment ({earlier.Runs.Count} seed(s) finished); add --resume to keep them and run the missing seeds, or choose another --out.");
        var same = JsonSerializer.Serialize(earlier.Options, JsonDefaults.Options) == JsonSerializer.Serialize(fresh.Options, JsonDefaults.Options)
                   && earlier.Data == fresh.Data;
        if (!same)
            throw new InputException($"{path} was made with other options; resume with the same ones or choose another --out.");
        return fresh with { Machine = earlier.Machine, Runs = earlier.Runs };
    }
}
