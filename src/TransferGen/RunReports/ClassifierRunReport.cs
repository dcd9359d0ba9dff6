using TransferGen.Data;
using TransferGen.Metrics;
using TransferGen.Reports;
using TransferGen.Training;
using TransferGen.Transfer;
using static TransferGen.RunReports.RunReportText;

namespace TransferGen.RunReports;

/// <summary>
/// The report of a classifier run (finetune, pretrain): configuration, results, curves, the confusion matrix and
/// per-class metrics on the test split, and the commands that reproduce the run and the evaluation.
/// </summary>
public static class ClassifierRunReport
{
    /// <summary>The report of the classifier run in <paramref name="run"/>; an <see cref="InputException"/> when it is none.</summary>
    public static HtmlReport Build(RunFolder run, RunReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        options ??= new RunReportOptions();
        var config = RunConfig.Read(run);
        var what = config.Kind == "pretrain" ? "Pretrain" : "Fine-tune";
        var report = new HtmlReport($"{what} run {Path.GetFileName(run.Path)}", RunReport.Subtitle(run, config.Created, config.Versions));
        report.Add(new HeadingSection("Configuration"), ConfigTable(config));
        report.Add(RunReportParts.Metrics(run));
        report.Add(RunReportParts.Curves(run));
        report.Add(Confusion(run, config, options));
        report.Add(RunReportParts.Reproduce(config.Command));
        return report;
    }

    /// <summary>The run's data, model and training options as a table.</summary>
    public static TableSection ConfigTable(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var o = config.Options;
        var rows = new List<(string, string)>
        {
            ("data", config.Dataset ?? "(a dataset built in code)"),
            ("data format", config.DatasetFormat),
            ("classes", Classes(config.Classes)),
            ("labels per class", o.LabelsPerClass is { } k ? Count(k) : "all"),
            ("training images", Count(config.TrainCount)),
            ("validation images", $"{Count(config.ValidationCount)} ({config.ValidationSource})"),
            ("backbone", config.Backbone),
            ("initial weights", o.WeightsFile is { } file ? $"{Option(config.Weights)}: {file}" : Option(config.Weights)),
            ("freeze", o.Freeze.Stage is { } stage ? $"{Option(o.Freeze.Kind)}:{stage}" : Option(o.Freeze.Kind)),
            ("epochs", Count(o.Epochs)),
        };
        if (o.Freeze.Kind is FreezeKind.Auto or FreezeKind.Gradual) rows.Add(("probe epochs", Count(o.ProbeEpochs)));
        rows.AddRange(
        [
            ("min steps per phase", Count(o.MinSteps)),
            ("patience", Count(o.Patience)),
            ("batch size", Count(o.BatchSize)),
            ("learning rate", Number(o.LearningRate)),
            ("backbone lr factor", Number(o.BackboneLrFactor)),
            ("optimizer", Option(o.Optimizer)),
            ("schedule", Option(o.Schedule)),
            ("label smoothing", Number(o.LabelSmoothing)),
            ("weight decay", Number(o.WeightDecay)),
            ("dropout", Number(o.Dropout)),
            ("image size", $"{o.ImageSize} × {o.ImageSize}"),
            ("augmentation", YesNo(o.Augment)),
            ("seed", Count(o.Seed)),
        ]);
        if (config.Source is not null || config.SourceClasses is not null)
            rows.Add(("source task", $"{config.Source ?? "(built in code)"}, λ = {Number(o.SourceLambda)}"));
        rows.Add(("device", config.Device));
        rows.AddRange(RunReport.VersionRows(config.Versions));
        return TableSection.FromPairs(rows, "From config.json.");
    }

    /// <summary>
    /// The confusion heatmap and per-class table of a <see cref="ClassificationReport"/>, with what it was computed on
    /// (<paramref name="what"/>, e.g. "fashion-mnist [test], 10000 images").
    /// </summary>
    public static IEnumerable<ReportSection> EvaluationSections(ClassificationReport evaluation, string what)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(what);
        var topK = string.Join(", ", evaluation.TopK.Select(p => $"top-{p.Key} {Percent(p.Value)}"));
        yield return new ParagraphSection($"{what}: accuracy {Percent(evaluation.Accuracy)} ({topK}), macro F1 {Fixed3(evaluation.MacroF1)}.");
        yield return new ImageSection(new ReportImage(ConfusionHeatmap.RenderPng(evaluation, $"Confusion matrix on {what}"),
            $"Confusion matrix on {what}: rows are true classes, columns predicted ones",
            "Each cell is coloured by its share of the true class's images and labelled with its count."));
        yield return new TableSection(["class", "precision", "recall", "F1", "support"],
            evaluation.PerClass.Select(c => (IReadOnlyList<string>)[c.Class, Fixed3(c.Precision), Fixed3(c.Recall), Fixed3(c.F1), Count(c.Support)]),
            "Per class.");
    }

    static IEnumerable<ReportSection> Confusion(RunFolder run, RunConfig config, RunReportOptions options)
    {
        yield return new HeadingSection("Confusion matrix");
        string? why = null;
        if (!options.Evaluate) why = "Evaluation was not asked for.";
        else if (config.Dataset is null) why = "The run's dataset was built in code, so the report cannot reload it.";
        if (why is null)
        {
            var (sections, problem) = Evaluate(run, config, options);
            if (sections is not null)
            {
                foreach (var section in sections) yield return section;
                yield return new CodeSection($"transfergen evaluate --model {RunCommandLine.Quote(run.Path)} --data {RunCommandLine.Quote(config.Dataset!)}",
                    "The same evaluation from the command line (it also prints the matrix and writes the heatmap as a PNG):");
                yield break;
            }
            why = problem;
        }
        // Without an evaluation, the heatmaps `transfergen evaluate` left in the folder, whose titles name their data and split.
        var saved = Directory.EnumerateFiles(run.Path, "confusion-*.png").Order(StringComparer.Ordinal)
            .Select(path => (path, png: RunReportParts.ReadPng(path))).Where(p => p.png is not null).ToList();
        yield return new ParagraphSection(saved.Count == 0
            ? $"{why} The folder holds no heatmap of `transfergen evaluate` either."
            : $"{why} Shown instead: the heatmaps `transfergen evaluate` wrote into the run folder (each title names its data and split).", note: true);
        if (saved.Count > 0)
            yield return new ImageSection(saved.Select(p => new ReportImage(p.png!, $"Confusion heatmap {Path.GetFileName(p.path)}", Path.GetFileName(p.path))));
    }

    // The evaluation of the run's model on its own test split, or why there is none (the data cannot be reloaded, no test split).
    static (IReadOnlyList<ReportSection>? Sections, string? Problem) Evaluate(RunFolder run, RunConfig config, RunReportOptions options)
    {
        try
        {
            var dataset = DatasetResolver.Load(config.Dataset!, config.ToDatasetOptions());
            if (!dataset.HasSplit("test")) return (null, $"{config.Dataset} has no test split to evaluate on.");
            var test = dataset["test"];
            options.Progress?.Invoke($"Evaluating the model of {run.Path} on the {test.Count} test images of {config.Dataset} for the confusion matrix.");
            using var model = ImageClassifier.Load(run.Path);
            var evaluation = model.Evaluate(dataset, "test", options.BatchSize);
            return (EvaluationSections(evaluation, $"{config.Dataset} [test], {test.Count} images").ToList(), null);
        }
        catch (InputException e)
        {
            // The report is still worth having without the matrix: say why it is missing.
            return (null, $"The test split could not be evaluated: {e.Message.TrimEnd('.')}.");
        }
    }
}
