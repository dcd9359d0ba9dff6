using System.Globalization;
using System.Text;
using System.Text.Json;
using TransferGen.IO;
using TransferGen.Reports;
using TransferGen.Scoring;

namespace TransferGen.Benchmarks.Gan;

/// <summary>Writes a GAN benchmark's results: results.json, results.md, fid.png and each architecture's final grid.</summary>
public static class GanBenchFiles
{
    /// <summary>The report as indented JSON with snake_case keys.</summary>
    public static string Serialize(GanBenchReport report) => JsonSerializer.Serialize(report, JsonDefaults.Options);

    /// <summary>
    /// An <see cref="InputException"/> unless <paramref name="folder"/> may take a GAN benchmark: a new or empty folder, or
    /// with <paramref name="overwrite"/> one holding an earlier GAN benchmark (results.json), whose files are then replaced,
    /// or with <paramref name="resume"/> one whose benchmark had the same options (<paramref name="options"/>; only the
    /// epochs may grow), which is returned to continue. A folder of other files is always refused: the benchmark writes
    /// only into a folder of its own.
    /// </summary>
    public static GanBenchReport? Check(string folder, bool overwrite, bool resume = false, GanBenchOptions? options = null)
    {
        if (File.Exists(folder)) throw new InputException($"{folder} is a file; the benchmark needs a folder (a new or empty one).");
        var results = Path.Combine(folder, "results.json");
        if (File.Exists(results))
        {
            if (resume) return Previous(results, options ?? throw new ArgumentNullException(nameof(options)));
            if (overwrite) return null;
            throw new InvalidOptionException($"{folder.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)} already holds "
                                             + "GAN benchmark results; pass {0} to replace them, or --resume to continue them, or choose another folder.", "Overwrite");
        }
        if (resume && Directory.Exists(folder) && !Training.RunFolder.IsEmpty(folder))
            throw new InputException($"{folder} holds no GAN benchmark results.json to resume.");
        if (!Training.RunFolder.IsEmpty(folder))
            throw new InputException($"{folder} is not empty and holds no GAN benchmark (results.json); choose a new or empty folder " +
                                     "(TransferGen never writes among files it did not write).");
        return null;
    }

    static GanBenchReport Previous(string results, GanBenchOptions options)
    {
        GanBenchReport report;
        try
        {
            report = JsonSerializer.Deserialize<GanBenchReport>(File.ReadAllText(results), JsonDefaults.Options)
                     ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new InputException($"{results} is not a GAN benchmark report ({e.Message.Split('\n')[0]}).", e);
        }
        string Budget(GanBenchOptions o) => JsonSerializer.Serialize(o with { Epochs = 0 }, JsonDefaults.Options);
        if (Budget(report.Options) != Budget(options))
            throw new InputException($"{results} was made with other options; --resume continues with the same ones (only --epochs may grow; its command line: {report.CommandLine}).");
        if (options.Epochs < report.Options.Epochs)
            throw new InputException($"{results} has {report.Options.Epochs} epochs per architecture; --resume can add epochs, not remove them (--epochs {options.Epochs}).");
        return report with { Options = options };
    }

    /// <summary>Rewrites every output file in <paramref name="folder"/> (atomically, each file whole).</summary>
    public static void Save(string folder, GanBenchReport report)
    {
        AtomicFile.WriteAllText(Path.Combine(folder, "results.json"), Serialize(report));
        AtomicFile.WriteAllText(Path.Combine(folder, "results.md"), Markdown(report));
        var series = report.Runs.Where(r => r.Epochs.Count > 0)
            .Select(r => new PlotSeries(r.Arch, r.Epochs.Select(e => (double)e.Epoch).ToList(), r.Epochs.Select(e => e.Fid).ToList()))
            .Append(new PlotSeries("real train vs test (floor)", [0, report.Options.Epochs], [report.Floor.Fid, report.Floor.Fid]))
            .ToList();
        LinePlot.SavePng(Path.Combine(folder, "fid.png"), series,
            new LinePlotOptions { Title = "FID vs epoch", XLabel = "epoch", YLabel = $"FID ({report.Features.Split(':')[0]})", LogY = true });
        foreach (var run in report.Runs.Where(r => r.FinalGrid is not null && File.Exists(r.FinalGrid)))
            AtomicFile.WriteAllBytes(Path.Combine(folder, $"{run.Arch}-final.png"), File.ReadAllBytes(run.FinalGrid!));
    }

    /// <summary>A markdown table of FID/KID by epoch, ready for the README, with how it was made.</summary>
    public static string Markdown(GanBenchReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        var o = report.Options;
        md.AppendLine(c, $"`{report.CommandLine}`  ");
        md.AppendLine(c, $"{report.Machine.Cores} cores ({report.Machine.Cpu}), {report.Machine.Os}, LibTorch {report.Machine.TorchVersion}, {report.Machine.Date:yyyy-MM-dd HH:mm} UTC.  ");
        md.AppendLine(c, $"{o.Data}: {o.MaxImages} training images, batch {o.BatchSize}, {o.Epochs} epochs, seed {o.Seed}. ");
        md.AppendLine(c, $"FID/KID mode: {report.Features}; resized {report.Resize}; {report.Reference} vs as many generated (EMA generator); KID over {o.KidSubsets} subsets of half the set.");
        md.AppendLine();
        var archs = report.Runs.Select(r => r.Arch).ToList();
        md.AppendLine("| epoch | " + string.Join(" | ", archs.Select(a => $"{a} FID | {a} KID | {a} s/epoch")) + " |");
        md.AppendLine("|---:|" + string.Concat(archs.Select(_ => "---:|---:|---:|")));
        for (var e = 0; e <= o.Epochs; e++)
        {
            var cells = report.Runs.Select(r => r.Epochs.FirstOrDefault(x => x.Epoch == e) is { } x
                ? string.Create(c, $"{x.Fid:F2} | {x.Kid:F4} | {(e == 0 ? "–" : x.TrainSeconds.ToString("F1", c))}")
                : "| |");
            md.AppendLine(string.Create(c, $"| {e} | ") + string.Join(" | ", cells) + " |");
        }
        md.AppendLine("| floor (real train vs test) | " + string.Join(" | ", archs.Select(_ => string.Create(c, $"{report.Floor.Fid:F2} | {report.Floor.Kid:F4} | –"))) + " |");
        md.AppendLine();
        md.AppendLine(ImageSetScores.Caveat);
        return md.ToString();
    }
}
