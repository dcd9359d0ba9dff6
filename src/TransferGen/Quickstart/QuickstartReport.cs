using System.Globalization;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Imaging;
using TransferGen.Reports;
using TransferGen.RunReports;
using TransferGen.Scoring;
using TransferGen.Training;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Quickstart;

/// <summary>
/// The quickstart's report.html: a summary, then each step with its numbers, curves, images and the command that repeats
/// it. Built from the run folders the quickstart wrote and its <see cref="QuickstartResult"/>.
/// </summary>
public static class QuickstartReport
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Images per class in the sample grids.</summary>
    public const int GridColumns = 10;

    /// <summary>The report of <paramref name="result"/>, whose runs are in <paramref name="folder"/>.</summary>
    /// <param name="result">What the quickstart measured.</param>
    /// <param name="folder">The quickstart's folder.</param>
    /// <param name="dataset">The data it ran on (for the real images and the confusion matrix).</param>
    /// <param name="ganSteps">The GAN's losses over its steps (<see cref="Training.Callbacks.StepMetricsHistory.Points"/>); empty draws no curve.</param>
    public static HtmlReport Build(QuickstartResult result, string folder, ImageDataset dataset, IReadOnlyList<(long Step, IReadOnlyDictionary<string, double> Means)> ganSteps)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(dataset);
        var o = result.Options;
        var report = new HtmlReport("TransferGen quickstart",
            $"{result.DataFormat}, {o.LabelsPerClass} labelled images per class. {result.Machine}; started {result.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", C)}.");
        report.Add(Summary(result));
        report.Add(Transfer(result, folder, dataset));
        report.Add(Gan(result, folder, dataset, ganSteps));
        report.Add(Scores(result));
        report.Add(Augmented(result));
        report.Add(Reproduce(result, folder));
        return report;
    }

    /// <summary>The summary table the terminal prints too: one row per finding.</summary>
    public static IReadOnlyList<(string Step, string Result)> SummaryRows(QuickstartResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var g = result.Generated;
        return
        [
            ("pretrained vs from scratch", $"{Pct(result.Pretrained.TestAccuracy)} vs {Pct(result.Scratch.TestAccuracy)} test accuracy ({Pts(result.TransferGain)})"),
            ("conditional GAN", $"FID {F1(g.Fid)} against a real-vs-real floor of {F1(result.Floor.Fid)}; precision {Opt(g.Precision)}, recall {Opt(g.Recall)}"),
            ("class agreement", $"{Pct(result.Agreement.Agreement)} of generated images classified as the class asked for (chance {Pct(result.Agreement.Chance)})"),
            ("real + generated vs real only", $"{Pct(result.Augmented.TestAccuracy)} vs {Pct(result.Pretrained.TestAccuracy)} ({Pts(result.Augment.Delta)}, one seed)"),
        ];
    }

    static IEnumerable<ReportSection> Summary(QuickstartResult result)
    {
        yield return new HeadingSection("Summary");
        yield return new TableSection(["step", "result"], SummaryRows(result).Select(r => (IReadOnlyList<string>)[r.Step, r.Result]),
            $"Classifiers tested on {result.TestImages:N0} test images; the GAN scored on {result.Generated.A.Count:N0} images per side.");
        var data = result.DataFormat.Contains("embedded", StringComparison.Ordinal)
            ? $"The data was {result.DataFormat}: 200 training and 50 test images per class built into TransferGen. With the Debian package dataset-fashion-mnist installed the quickstart uses the full 60,000 + 10,000 images."
            : $"The data was {result.DataFormat}, read from the installed dataset.";
        yield return new ParagraphSection($"{data} Each classifier and the GAN learned from the same {result.Options.LabelsPerClass} labelled images per class " +
                                          $"({result.TrainImages} after a tenth went to validation). Everything ran with seed 0 and took {Duration(result.Seconds)} before this report was written.");
        yield return new TableSection(["step", "seconds"], result.Steps.Select(s => (IReadOnlyList<string>)[s.Name, s.Seconds.ToString("0.0", C)]), "Wall-clock time of each step.");
    }

    static IEnumerable<ReportSection> Transfer(QuickstartResult result, string folder, ImageDataset dataset)
    {
        var o = result.Options;
        yield return new HeadingSection("1. Transfer learning: pretrained against from scratch");
        yield return new ParagraphSection($"The ResNet18 that learned ImageNet, fine-tuned with TransferGen's default recipe (a linear probe on its features, then the whole " +
                                          $"network at a lower backbone rate), against the same architecture from random weights with every layer trained from the start. " +
                                          $"Both got the same budget: at least {o.MinSteps} steps a phase of {o.BatchSize} images at {o.ImageSize}×{o.ImageSize}, seed 0.");
        yield return new TableSection(["network", "test accuracy", "optimiser steps", "seconds", "run folder"],
            new[] { result.Pretrained, result.Scratch }.Select(c => (IReadOnlyList<string>)[c.Name, Pct(c.TestAccuracy), c.Steps.ToString(C), c.Seconds.ToString("0", C), Path.GetFileName(c.Folder)]),
            $"Test accuracy on {result.TestImages:N0} test images ({o.TestPerClass} per class).");
        var curves = new[] { result.Pretrained, result.Scratch }
            .Select(c => (c, png: Png(new RunFolder(c.Folder).CurvesPath)))
            .Where(p => p.png is not null)
            .Select(p => new ReportImage(p.png!, $"Training curves of the {p.c.Name} classifier", $"{p.c.Name}: loss and accuracy per epoch (curves.png of {Path.GetFileName(p.c.Folder)}/)."))
            .ToList();
        if (curves.Count > 0) yield return new ImageSection(curves);
        using var model = ImageClassifier.Load(result.Pretrained.Folder);
        var evaluation = model.Evaluate(o.Pretrained.TestSplit(dataset));
        foreach (var section in ClassifierRunReport.EvaluationSections(evaluation, $"the pretrained classifier on {result.TestImages:N0} test images"))
            yield return section;
    }

    static IEnumerable<ReportSection> Gan(QuickstartResult result, string folder, ImageDataset dataset, IReadOnlyList<(long Step, IReadOnlyDictionary<string, double> Means)> ganSteps)
    {
        var o = result.Options;
        yield return new HeadingSection("2. A conditional GAN on the same few images");
        yield return new ParagraphSection($"A class-conditional DCGAN trained for {o.GanSteps} steps of {o.GanBatchSize} images on the {result.TrainImages} labelled training " +
                                          $"images, in {result.GanSeconds:0} s. Its discriminator sees every image, real or generated, through DiffAugment (colour, translation, " +
                                          "cutout), the small-data method that measured best without a source GAN (README, small-data GANs). The grids show the generator's " +
                                          "moving average; each row is one class.");
        var (generated, real) = Grids(result, dataset);
        yield return new ImageSection(
            new ReportImage(generated, "Generated images, one row per class", $"Generated: {GridColumns} images of each class.", pixelated: true),
            new ReportImage(real, "The real labelled images the GAN learned from, one row per class", "Real: the labelled images of each class it learned from.", pixelated: true));
        if (ganSteps.Count > 1)
        {
            var series = new[] { "d_loss", "g_loss" }
                .Where(name => ganSteps.All(p => p.Means.ContainsKey(name)))
                .Select(name => new PlotSeries(name.Replace('_', ' '), [.. ganSteps.Select(p => (double)p.Step)], [.. ganSteps.Select(p => p.Means[name])]))
                .ToList();
            if (series.Count > 0)
                yield return new ImageSection(new ReportImage(LinePlot.RenderPng(series, new LinePlotOptions { Title = "GAN losses", XLabel = "step", YLabel = "loss", Markers = false }),
                    "GAN losses per step", $"Discriminator and generator loss, means over windows of {Math.Max(1, ganSteps[0].Step)} steps."));
        }
    }

    // Labelled grids (PNG) of generated images and of the real labelled ones, a row per class; the tensors live only in here.
    static (byte[] Generated, byte[] Real) Grids(QuickstartResult result, ImageDataset dataset)
    {
        using var scope = NewDisposeScope();
        using var generator = ImageGenerator.Load(result.GanFolder);
        var labelled = Subsampling.PerClass(dataset["train"], result.Options.LabelsPerClass, 0);
        var generated = new List<(string, IReadOnlyList<Tensor>)>();
        var real = new List<(string, IReadOnlyList<Tensor>)>();
        for (var c = 0; c < generator.Classes.Count; c++)
        {
            var images = generator.Sample(GridColumns, c, seed: c);
            generated.Add((generator.Classes[c], [.. Enumerable.Range(0, GridColumns).Select(i => images[i])]));
            var members = Enumerable.Range(0, labelled.Count).Where(i => labelled.Labels[i] == c).Take(GridColumns).ToList();
            real.Add((dataset.Classes[c], [.. members.Select(labelled.Read)]));
        }
        return (LabelledGrid.RenderPng(generated, 48), LabelledGrid.RenderPng(real, 48));
    }

    static IEnumerable<ReportSection> Scores(QuickstartResult result)
    {
        yield return new HeadingSection("3. Scoring the generator with pretrained networks");
        var g = result.Generated;
        var f = result.Floor;
        yield return new ParagraphSection($"FID and KID compare the feature statistics of two image sets in the ImageNet ResNet18's feature space ({g.Features}, " +
                                          $"{g.InputSize}×{g.InputSize}); the floor is real training images against the same real test images, what a perfect generator " +
                                          "would score with this many images. Precision is the share of generated images that fall within the real images' k-nearest-neighbour " +
                                          "balls (fidelity), recall the share of real images within the generated ones' (diversity).");
        yield return new TableSection(["compared with the real test images", "images", "FID", "KID", "precision", "recall"],
        [
            ["generated", g.A.Count.ToString(C), F1(g.Fid), g.Kid.ToString("0.0000", C), Opt(g.Precision), Opt(g.Recall)],
            ["real training images (floor)", f.A.Count.ToString(C), F1(f.Fid), f.Kid.ToString("0.0000", C), Opt(f.Precision), Opt(f.Recall)],
        ], $"k = {g.NearestNeighbour} for precision and recall. {ImageSetScores.Caveat}");
        var a = result.Agreement;
        yield return new ParagraphSection($"Class agreement: the pretrained classifier of step 1 put {Pct(a.Agreement)} of the generated images into the class the GAN was " +
                                          $"asked for (chance: {Pct(a.Chance)}). High agreement says the conditioning works; it says nothing about diversity, which recall adds.");
        yield return new TableSection(["class asked for", "agreed", "most often classified as"],
            a.PerClass.Select(r => (IReadOnlyList<string>)[r.Class, $"{Pct(r.Rate)} of {r.Total}", r.MostPredicted]), "Per class.");
    }

    static IEnumerable<ReportSection> Augmented(QuickstartResult result)
    {
        var s = result.Augment;
        yield return new HeadingSection("4. Generated images as extra training data");
        yield return new ParagraphSection($"The pretrained fine-tune of step 1 again, with the same options and seed, on the {s.RealTrainImages} real images plus " +
                                          $"{s.GeneratedKept} generated ones ({result.Options.SyntheticPerClass} per class), half of each epoch generated. This is one seed: " +
                                          "differences of a few points are within the spread between seeds; `transfergen augment` runs several and reports mean ± std.");
        yield return new TableSection(["training data", "test accuracy", "optimiser steps", "run folder"],
        [
            ["real only", Pct(s.RealOnly), s.RealOnlySteps.ToString(C), Path.GetFileName(result.Pretrained.Folder)],
            ["real + generated", Pct(s.Augmented), s.AugmentedSteps.ToString(C), Path.GetFileName(result.Augmented.Folder)],
        ], $"Delta: {Pts(s.Delta)}.");
    }

    static IEnumerable<ReportSection> Reproduce(QuickstartResult result, string folder)
    {
        var o = result.Options;
        yield return new HeadingSection("Reproduce");
        yield return new ParagraphSection("Each step is also a command. These write into a folder beside this one and repeat the numbers above exactly on the same " +
                                          "LibTorch thread count.");
        yield return new CodeSection(QuickstartCommands.Scratch(o, folder).ToShell(), "Step 1, from scratch:");
        yield return new CodeSection(QuickstartCommands.Pretrained(o, folder).ToShell(), "Step 1, pretrained (the real-only run of step 4):");
        yield return new CodeSection(QuickstartCommands.Augment(o, folder).ToShell(), "Steps 1 (pretrained), 2 and 4 in one go; its seed-0/ holds real-only/, gan/ and augmented/:");
        yield return new CodeSection(QuickstartCommands.Evaluate(o, folder).ToShell(), "Step 3:");
        yield return new CodeSection(string.Join("\n", new[] { result.Scratch.Folder, result.Pretrained.Folder, result.GanFolder, result.Augmented.Folder }
            .Select(run => QuickstartCommands.Report(run).ToShell())), "The full report of each run (configuration, curves, confusion matrix or sample grids):");
        yield return new CodeSection($"{RunCommandLine.Of(["quickstart", "--out", folder, "--overwrite"]).ToShell()}", "This whole quickstart again:");
    }

    static byte[]? Png(string path)
    {
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        return ReportImage.PngSize(bytes) is null ? null : bytes;
    }

    static string Pct(double share) => (100 * share).ToString("0.0", C) + " %";
    static string Pts(double delta) => (delta >= 0 ? "+" : "−") + Math.Abs(100 * delta).ToString("0.0", C) + " pts";
    static string F1(double value) => value.ToString("0.0", C);
    static string Opt(double? value) => value is double v ? v.ToString("0.00", C) : "n/a";
    static string Duration(double seconds) => TimeSpan.FromSeconds(seconds).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss", C);
}
