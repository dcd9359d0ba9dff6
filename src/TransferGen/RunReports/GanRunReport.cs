using System.Text.RegularExpressions;
using TransferGen.Generation;
using TransferGen.Reports;
using TransferGen.Training;
using static TransferGen.RunReports.RunReportText;

namespace TransferGen.RunReports;

/// <summary>
/// The report of a GAN run: configuration, final losses, curves, the latest sample grid and a few of the epochs' grids,
/// and the command that reproduces the run.
/// </summary>
public static partial class GanRunReport
{
    /// <summary>At most this many epoch grids are shown: the first, the last and evenly spaced ones between.</summary>
    public const int MaxEpochGrids = 4;

    /// <summary>The report of the GAN run in <paramref name="run"/>; an <see cref="InputException"/> when it is none.</summary>
    public static HtmlReport Build(RunFolder run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var config = GanRunConfig.Read(run);
        var report = new HtmlReport($"GAN run {Path.GetFileName(run.Path)}", RunReport.Subtitle(run, config.Created, config.Versions));
        report.Add(new HeadingSection("Configuration"), ConfigTable(config));
        report.Add(RunReportParts.Metrics(run));
        report.Add(RunReportParts.Curves(run));
        report.Add(Samples(run));
        report.Add(RunReportParts.Reproduce(config.Command));
        if (config.Dataset is { } data)
            report.Add(new CodeSection($"transfergen gan evaluate --model {RunCommandLine.Quote(run.Path)} --data {RunCommandLine.Quote(data)} -n 1000",
                "Scores the generator (FID/KID against the real test split, with the real-vs-real floor):"));
        return report;
    }

    /// <summary>The run's data, networks and training options as a table.</summary>
    public static TableSection ConfigTable(GanRunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var o = config.Options;
        var rows = new List<(string, string)>
        {
            ("data", config.Dataset ?? "(a dataset built in code)"),
            ("classes", Classes(config.Classes)),
            ("training images", Count(config.TrainCount)),
            ("labels per class", o.LabelsPerClass is { } k ? Count(k) : "all"),
        };
        if (o.MaxImages is { } max) rows.Add(("max images", Count(max)));
        rows.AddRange(
        [
            ("architecture", o.Arch),
            ("conditional", YesNo(config.Conditional)),
            ("images", $"{config.ImageSize} × {config.ImageSize}, {config.DataChannels} channel{(config.DataChannels == 1 ? "" : "s")}"),
            ("latent size", Count(o.Model.Nz)),
            ("epochs", Count(o.Epochs)),
            ("batch size", Count(o.BatchSize)),
            ("loss", Option(o.Step.Loss)),
            ("learning rates (G, D)", $"{Number(o.Step.GeneratorLearningRate)}, {Number(o.Step.DiscriminatorLearningRate)}"),
            ("Adam betas", $"{Number(o.Step.Beta1)}, {Number(o.Step.Beta2)}"),
            ("EMA decay", Number(o.EmaDecay)),
            ("spectral norm", YesNo(o.Model.SpectralNorm)),
            ("augmentation", o.Ada ? $"{o.Augmentation}, ADA (target {Number(o.AdaTarget)})" : o.Augmentation),
        ]);
        if (o.Model.Projected is { } projected) rows.Add(("discriminator features", projected.DBackbone));
        if (config.InitializedFrom is { } source)
            rows.Add(("initialized from", $"{source.Run} ({source.Epochs} epochs on {source.Dataset ?? "data built in code"})"));
        if (o.FreezeD > 0) rows.Add(("frozen D blocks", Count(o.FreezeD)));
        if (o.DryRun) rows.Add(("dry run", "yes: a few images, to check the setup"));
        rows.Add(("seed", Count(o.Seed)));
        rows.Add(("device", config.Device));
        rows.AddRange(RunReport.VersionRows(config.Versions));
        return TableSection.FromPairs(rows, "From config.json.");
    }

    /// <summary>
    /// The epoch grids to show out of <paramref name="epochs"/> (sorted): all up to <see cref="MaxEpochGrids"/>, else the
    /// first, the last and evenly spaced ones between.
    /// </summary>
    public static IReadOnlyList<int> PickEpochs(IReadOnlyList<int> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        if (epochs.Count <= MaxEpochGrids) return epochs;
        return Enumerable.Range(0, MaxEpochGrids)
            .Select(i => epochs[(int)Math.Round(i * (epochs.Count - 1) / (double)(MaxEpochGrids - 1))])
            .Distinct().ToList();
    }

    static IEnumerable<ReportSection> Samples(RunFolder run)
    {
        yield return new HeadingSection("Samples");
        var folder = Path.Combine(run.Path, "samples");
        if (RunReportParts.ReadPng(Path.Combine(folder, "latest.png")) is { } latest)
            yield return new ImageSection(new ReportImage(latest, "Sample grid of the generator after the last finished epoch",
                "samples/latest.png: the generator after the last finished epoch, from the run's fixed latent vectors.", pixelated: true));
        else
            yield return new ParagraphSection($"{Path.Combine(folder, "latest.png")} is missing or not a PNG.", note: true);

        var grids = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "epoch-*.png")
                .Select(path => (path, match: EpochGrid().Match(Path.GetFileName(path))))
                .Where(p => p.match.Success)
                .ToDictionary(p => int.Parse(p.match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), p => p.path)
            : [];
        var shown = PickEpochs(grids.Keys.Order().ToList())
            .Select(epoch => (epoch, png: RunReportParts.ReadPng(grids[epoch])))
            .Where(p => p.png is not null)
            .Select(p => new ReportImage(p.png!, $"Sample grid after epoch {p.epoch}", $"Epoch {p.epoch}", pixelated: true))
            .ToList();
        if (shown.Count == 0) yield break;
        yield return new HeadingSection("Over training", level: 3);
        yield return new ImageSection(shown);
        if (grids.Count > shown.Count)
            yield return new ParagraphSection($"{shown.Count} of the {grids.Count} epoch grids in samples/.", note: true);
    }

    [GeneratedRegex(@"^epoch-(\d{1,9})\.png$")]
    private static partial Regex EpochGrid();
}
