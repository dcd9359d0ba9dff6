using TransferGen.Generation;
using TransferGen.Reports;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.RunReports;

/// <summary>
/// Builds the <see cref="HtmlReport"/> of a run folder from what the run wrote there: a classifier run
/// (<see cref="ClassifierRunReport"/>) or a GAN run (<see cref="GanRunReport"/>).
/// </summary>
public static class RunReport
{
    /// <summary>The name of the report file in a run folder, where <c>transfergen report RUN</c> writes it by default.</summary>
    public const string FileName = "report.html";

    /// <summary>The kinds of run a report is made of.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. RunConfig.Kinds, GanRunConfig.RunKind];

    /// <summary>
    /// The report of the run in <paramref name="runFolder"/>. A missing folder, one that is no run folder, a damaged
    /// config.json or a kind of run without a report is an <see cref="InputException"/> naming the folder.
    /// </summary>
    public static HtmlReport Build(string runFolder, RunReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runFolder);
        var run = RunFolder.OfKind(runFolder, "a report", [.. Kinds]);
        return RunFolder.ReadKind(run.Path) == GanRunConfig.RunKind
            ? GanRunReport.Build(run)
            : ClassifierRunReport.Build(run, options);
    }

    /// <summary>The line under a run report's title: where the run is, when it started, which TransferGen wrote it.</summary>
    internal static string Subtitle(RunFolder run, string created, IReadOnlyDictionary<string, string> versions)
    {
        var when = DateTimeOffset.TryParse(created, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)
            : "an unrecorded time";
        var version = versions.TryGetValue("transfergen", out var v) ? $" by TransferGen {v}" : "";
        return $"{run.Path}, started {when}{version}.";
    }

    /// <summary>The versions config.json records, as configuration rows (the thread count decides bit-exact repeats).</summary>
    internal static IEnumerable<(string, string)> VersionRows(IReadOnlyDictionary<string, string> versions)
    {
        if (versions.TryGetValue("intra_op_threads", out var threads)) yield return ("intra-op threads", threads);
        var parts = new[] { "transfergen", "torchsharp", "dotnet" }.Where(versions.ContainsKey).Select(k => $"{k} {versions[k]}").ToList();
        if (parts.Count > 0) yield return ("versions", string.Join(", ", parts));
    }
}
