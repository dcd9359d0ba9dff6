using System.Globalization;
using System.Text;
using System.Text.Json;
using TransferGen.IO;
using TransferGen.Reports;
using TransferGen.Scoring;

namespace TransferGen.Benchmarks.Gan;

/// <summary>`bench gan-transfer`'s files: results.json, results.md, fid.png and each method's final grid.</summary>
public static class GanTransferBenchFiles
{
    /// <summary>
    /// Whether <paramref name="folder"/> may take the benchmark: a new or empty folder, or with <paramref name="resume"/>
    /// one holding this benchmark's results with the same budget (returned, to continue, with the methods and seeds of
    /// <paramref name="options"/> added to its own). Anything else is one sentence.
    /// </summary>
    public static GanTransferBenchReport? Check(string folder, bool resume, GanTransferBenchOptions options)
    {
        if (File.Exists(folder)) throw new InputException($"{folder} is a file; the benchmark needs a folder (a new or empty one).");
        var results = Path.Combine(folder, "results.json");
        if (File.Exists(results))
        {
            if (!resume) throw new InputException($"{folder} already holds gan-transfer results; pass --resume to continue them, or choose another folder.");
            GanTransferBenchReport report;
            try
            {
                report = JsonSerializer.Deserialize<GanTransferBenchReport>(File.ReadAllText(results), JsonDefaults.Options)
                         ?? throw new JsonException("the file holds null");
            }
            catch (JsonException e)
            {
                throw new InputException($"{results} is not a gan-transfer report ({e.Message}).", e);
            }
            if (Budget(report.Options) != Budget(options))
                throw new InputException($"{results} was made with other options; --resume continues with the same ones, or adds methods and seeds (see its command line: {report.CommandLine}).");
            // Methods and seeds may be added: the report then covers the old ones and the new.
            return report with
            {
                Options = report.Options with
                {
                    Methods = [.. report.Options.Methods.Union(options.Methods)],
                    Seeds = [.. report.Options.Seeds.Union(options.Seeds)],
                },
            };
        }
        if (resume && Directory.Exists(folder) && !Training.RunFolder.IsEmpty(folder))
            throw new InputException($"{folder} holds no gan-transfer results.json to resume.");
        if (!resume && Directory.Exists(folder) && !Training.RunFolder.IsEmpty(folder))
            throw new InputException($"{folder} is not empty; choose a new or empty folder (TransferGen never writes among files it did not write).");
        return null;
    }

    /// <summary>The options every run of one report must share: all but the methods and seeds.</summary>
    static string Budget(GanTransferBenchOptions options) =>
        JsonSerializer.Serialize(options with { Methods = [], Seeds = [] }, JsonDefaults.Options);

    /// <summary>Rewrites every output file (each atomically).</summary>
    public static void Save(string folder, GanTransferBenchReport report)
    {
        AtomicFile.WriteAllText(Path.Combine(folder, "results.json"), JsonSerializer.Serialize(report, JsonDefaults.Options));
        AtomicFile.WriteAllText(Path.Combine(folder, "results.md"), Markdown(report));
        var o = report.Options;
        var series = o.Methods
            .Select(m => (Method: m, Curve: MeanCurve(report, m)))
            .Where(m => m.Curve.Count > 0)
            .Select(m => new PlotSeries(m.Method, m.Curve.Select(p => (double)p.Step).ToList(), m.Curve.Select(p => p.Fid).ToList()))
            .Append(new PlotSeries("real train vs test (floor)", [o.EvalEvery, o.Steps], [report.Floor.Fid, report.Floor.Fid]))
            .ToList();
        LinePlot.SavePng(Path.Combine(folder, "fid.png"), series,
            new LinePlotOptions { Title = "FID vs target steps (mean over seeds)", XLabel = "D+G steps", YLabel = $"FID ({report.Features.Split(':')[0]})", LogY = true });
        foreach (var run in report.Runs.Where(r => r.Seed == o.Seeds[0] && r.Scores.Count > 0))
        {
            var grid = Path.Combine(run.Folder, "samples", "latest.png");
            if (File.Exists(grid)) AtomicFile.WriteAllBytes(Path.Combine(folder, $"{run.Method}-final.png"), File.ReadAllBytes(grid));
        }
    }

    /// <summary>The mean FID over the seeds that reached each step.</summary>
    static List<(int Step, double Fid)> MeanCurve(GanTransferBenchReport report, string method) =>
        report.Runs.Where(r => r.Method == method).SelectMany(r => r.Scores).GroupBy(s => s.Step).OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Average(s => s.Fid))).ToList();

    static (double Mean, double Std, int Count) Final(GanTransferBenchReport report, string method, Func<GanTransferScore, double> value)
    {
        var finals = report.Runs.Where(r => r.Method == method && r.Scores.Count > 0 && r.Scores[^1].Step == report.Options.Steps)
            .Select(r => value(r.Scores[^1])).ToList();
        if (finals.Count == 0) return (double.NaN, double.NaN, 0);
        var mean = finals.Average();
        var std = finals.Count > 1 ? Math.Sqrt(finals.Sum(f => (f - mean) * (f - mean)) / (finals.Count - 1)) : 0;
        return (mean, std, finals.Count);
    }

    /// <summary>The README table: final FID/KID per method (mean ± sample std over seeds), against scratch, and seconds per step.</summary>
    public static string Markdown(GanTransferBenchReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var o = report.Options;
        var md = new StringBuilder();
        md.AppendLine(c, $"`{report.CommandLine}`  ");
        md.AppendLine(c, $"{report.Machine.Cores} cores ({report.Machine.Cpu}), {report.Machine.Os}, LibTorch {report.Machine.TorchVersion}, started {report.Machine.Date:yyyy-MM-dd HH:mm} UTC.  ");
        md.AppendLine(c, $"Target: {o.Data} classes {string.Join(",", o.TargetClasses)}, {o.TargetPerClass} training images per class; source: classes {string.Join(",", o.SourceClasses)}, all training images, {o.SourceEpochs} epochs. "
                         + $"{o.Arch} at {o.ImageSize} px, batch {o.BatchSize}, {o.Steps} D+G steps per run, seeds {string.Join(", ", o.Seeds)}.  ");
        md.AppendLine(c, $"FID/KID: {report.Features}; {o.GeneratedCount} generated (EMA generator, classes cycling) vs {report.Reference}; floor (1,000 real training images of the target classes vs the same test images): FID {report.Floor.Fid:F1}.");
        md.AppendLine();
        var scratch = Final(report, "scratch", s => s.Fid);
        md.AppendLine("| method | what it is | final FID | final KID | FID vs scratch | s/step | seeds done |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var method in o.Methods)
        {
            var fid = Final(report, method, s => s.Fid);
            var kid = Final(report, method, s => s.Kid);
            var runs = report.Runs.Where(r => r.Method == method && r.Scores.Count > 0).ToList();
            var perStep = runs.Count == 0 ? double.NaN : runs.Select(r => r.SecondsPerStep(o.EvalEvery)).Order().ElementAt(runs.Count / 2);
            var versus = method == "scratch" || double.IsNaN(scratch.Mean) || double.IsNaN(fid.Mean) ? "–" : $"{(fid.Mean / scratch.Mean - 1) * 100:+0;−0;0} %";
            md.AppendLine(string.Create(c, $"| {method} | {GanTransferMethods.Describe(method, o.FreezeD)} | {Cell(fid, "F1")} | {Cell(kid, "F4")} | {versus} | {perStep:F3} | {fid.Count}/{o.Seeds.Count} |"));
        }
        md.AppendLine();
        md.AppendLine("FID by step (mean over the seeds that reached it):");
        md.AppendLine();
        md.AppendLine("| step | " + string.Join(" | ", o.Methods) + " |");
        md.AppendLine("|---:|" + string.Concat(o.Methods.Select(_ => "---:|")));
        for (var step = o.EvalEvery; step <= o.Steps; step += o.EvalEvery)
        {
            var cells = o.Methods.Select(m => MeanCurve(report, m).Where(p => p.Step == step).Select(p => p.Fid.ToString("F1", c)).FirstOrDefault() ?? "");
            md.AppendLine(string.Create(c, $"| {step} | ") + string.Join(" | ", cells) + " |");
        }
        md.AppendLine();
        md.AppendLine(ImageSetScores.Caveat);
        return md.ToString();
    }

    static string Cell((double Mean, double Std, int Count) v, string format) =>
        v.Count == 0 ? "" : v.Count == 1
            ? v.Mean.ToString(format, CultureInfo.InvariantCulture)
            : $"{v.Mean.ToString(format, CultureInfo.InvariantCulture)} ± {v.Std.ToString(format, CultureInfo.InvariantCulture)}";
}
