using System.Text.Json;
using System.Text.Json.Nodes;
using TransferGen.Reports;
using TransferGen.Training;

namespace TransferGen.RunReports;

/// <summary>The sections every kind of run report shares: metrics, curves, the command that reproduces the run.</summary>
static class RunReportParts
{
    /// <summary>
    /// The final metrics of metrics.json as a table: its top-level numbers (epochs, steps, test accuracy) and the last
    /// epoch's values ("final"); a note when the run has none yet (it has not finished an epoch, or it was killed).
    /// </summary>
    internal static IEnumerable<ReportSection> Metrics(RunFolder run)
    {
        static string Label(string key) => key.Replace('_', ' ');
        yield return new HeadingSection("Results");
        var metrics = ReadObject(run.MetricsPath);
        if (metrics is null)
        {
            yield return new ParagraphSection($"{run.MetricsPath} is missing: the run has not finished an epoch yet, or it was stopped before it did.", note: true);
            yield break;
        }
        var rows = new List<(string, string)>();
        foreach (var (key, value) in metrics)
        {
            if (key is "final" or "history") continue;
            if (Scalar(key, value) is { } text) rows.Add((Label(key), text));
        }
        if (metrics["final"] is JsonObject final)
            foreach (var (key, value) in final)
                if (Scalar(key, value) is { } text) rows.Add(($"last epoch: {Label(key)}", text));
        yield return TableSection.FromPairs(rows, "From metrics.json: the run as a whole, then the values of its last epoch.", "metric");
    }

    /// <summary>The history of metrics.json, one dictionary of numbers per epoch; empty when there is none.</summary>
    internal static IReadOnlyList<IReadOnlyDictionary<string, double>> History(RunFolder run)
    {
        if (ReadObject(run.MetricsPath)?["history"] is not JsonArray history) return [];
        return history.OfType<JsonObject>()
            .Select(epoch => (IReadOnlyDictionary<string, double>)epoch
                .Where(p => p.Value is JsonValue v && v.TryGetValue<double>(out _))
                .ToDictionary(p => p.Key, p => p.Value!.GetValue<double>()))
            .ToList();
    }

    /// <summary>curves.png as the run drew it; redrawn from the history when the file is missing or no PNG.</summary>
    internal static IEnumerable<ReportSection> Curves(RunFolder run)
    {
        yield return new HeadingSection("Training curves");
        if (ReadPng(run.CurvesPath) is { } png)
        {
            yield return new ImageSection(new ReportImage(png, "Training curves: loss and other metrics per epoch", "curves.png of the run, per epoch."));
            yield break;
        }
        var history = History(run);
        if (history.Count == 0)
        {
            yield return new ParagraphSection("The run has no curves.png and no history in metrics.json to draw them from.", note: true);
            yield break;
        }
        yield return new ImageSection(new ReportImage(TrainingCurves.RenderPng(history), "Training curves: loss and other metrics per epoch",
            "Drawn from the history in metrics.json (the run has no curves.png)."));
    }

    /// <summary>The command that started the run, or why the report cannot show one.</summary>
    internal static IEnumerable<ReportSection> Reproduce(RunCommandLine? command)
    {
        yield return new HeadingSection("Reproduce");
        if (command is null || command.Arguments.Count == 0)
        {
            yield return new ParagraphSection("This run's config.json records no command line: it was started from code, or by a TransferGen " +
                                              "older than the command record. Its options are in the configuration table above.", note: true);
            yield break;
        }
        yield return new CodeSection(command.ToShell(),
            "The command that started this run, in the folder it was typed in. Given another --out it trains the run again, with the same " +
            "seed; the results repeat exactly on the same intra-op thread count (see the configuration).");
    }

    /// <summary>The bytes of <paramref name="path"/> when it is a PNG file; null when it is missing, unreadable or something else.</summary>
    internal static byte[]? ReadPng(string path)
    {
        try
        {
            if (!File.Exists(path)) return null;
            var bytes = File.ReadAllBytes(path);
            return ReportImage.PngSize(bytes) is null ? null : bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The JSON object in <paramref name="path"/>; null when there is none; an <see cref="InputException"/> naming a damaged file.</summary>
    static JsonObject? ReadObject(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false }) as JsonObject
                ?? throw new InputException($"{path}: not a valid run file (it holds no JSON object).");
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}: not a valid run file ({e.Message}).", e);
        }
    }

    // A number, a boolean or a string as table text; null for anything else (objects, arrays, null).
    static string? Scalar(string key, JsonNode? value)
    {
        if (value is not JsonValue v) return null;
        if (v.TryGetValue<double>(out var number)) return RunReportText.Metric(key, number);
        if (v.TryGetValue<bool>(out var flag)) return RunReportText.YesNo(flag);
        if (v.TryGetValue<string>(out var text))
            // NaN and ±∞ are written as strings in the run files.
            return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? RunReportText.Metric(key, parsed) : text;
        return null;
    }
}
