using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Metrics;
using TransferGen.Reports;
using TransferGen.Data;
using TransferGen.IO;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Cli.Commands;

/// <summary>
/// `transfergen evaluate`: a fine-tuned model on a dataset split — accuracy, top-k, per-class precision/recall/F1 and
/// the confusion matrix, as tables or one JSON object, plus a confusion heatmap PNG.
/// </summary>
public sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    /// <summary>Options of `evaluate`.</summary>
    public sealed class Settings : DataSettings
    {
        /// <summary>The run folder.</summary>
        [CommandOption("--model <RUN>")]
        [Description("Run folder written by `transfergen finetune`.")]
        public string? Model { get; init; }

        /// <summary>The dataset.</summary>
        [CommandOption("--data <D>")]
        [Description("The dataset: a builtin name or a path; its classes must be the model's.")]
        public string? Data { get; init; }

        /// <summary>The split.</summary>
        [CommandOption("--split <NAME>")]
        [DefaultValue("test")]
        [Description("The split to evaluate.")]
        public string Split { get; init; } = "test";

        /// <summary>Batch size.</summary>
        [CommandOption("--batch-size <N>")]
        [DefaultValue(256)]
        [Description("Images per inference batch.")]
        public int BatchSize { get; init; } = 256;

        /// <summary>Where to write the confusion heatmap.</summary>
        [CommandOption("--heatmap <FILE>")]
        [Description("Write the confusion matrix as a PNG heatmap to this new file (default: RUN/confusion-SPLIT.png).")]
        public string? Heatmap { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Model is null) throw new InputException("--model RUN is required.");
        if (settings.Data is null) throw new InputException("--data is required.");
        using var model = ImageClassifier.Load(settings.Model);
        // The heatmap replaces nothing of the user's; the default one goes into the run folder, which is locked meanwhile.
        if (settings.Heatmap is not null) OutputPaths.RequireNewFile(settings.Heatmap);
        using var held = settings.Heatmap is null ? new RunFolder(settings.Model).Lock() : null;
        var options = settings.ToOptions();
        // A model trained on some classes is evaluated on those classes of its own dataset unless --classes says otherwise.
        if (options.Classes is null && model.Config.DatasetClasses is { } classes && CliDatasets.SameSpec(model.Config.Dataset, settings.Data))
        {
            options = options with { Classes = classes };
            CliConsole.Status($"Evaluating on the run's classes: {string.Join(", ", classes)} (--classes chooses others).", settings.Json);
        }
        var dataset = CliDatasets.Load(settings.Data, options);
        var report = model.Evaluate(dataset, settings.Split, settings.BatchSize);
        var split = dataset[settings.Split];
        var heatmap = settings.Heatmap ?? Path.Combine(settings.Model, $"confusion-{split.Name}.png");
        ConfusionHeatmap.SavePng(heatmap, report, $"{Path.GetFileName(Path.GetFullPath(settings.Model))} on {settings.Data} [{split.Name}]");

        if (settings.Json)
        {
            using var json = JsonDocument.Parse(report.ToJson(indented: false));
            var fields = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value.Clone());
            fields["model"] = Path.GetFullPath(settings.Model);
            fields["data"] = settings.Data;
            fields["split"] = split.Name;
            fields["heatmap"] = Path.GetFullPath(heatmap);
            Console.Out.WriteLine(JsonSerializer.Serialize(fields, CliJson.Options));
        }
        else
        {
            PrintReport(report, split);
            Console.Out.WriteLine($"Confusion heatmap: {heatmap}");
        }
        return 0;
    }

    static void PrintReport(ClassificationReport report, ImageSplit split)
    {
        var c = CultureInfo.InvariantCulture;
        var topK = string.Join("  ", report.TopK.Select(kv => string.Create(c, $"top-{kv.Key} {kv.Value:P2}")));
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(c, $"'{split.Name}' split, {split.Count} images: accuracy {report.Accuracy:P2}  ({topK})  macro F1 {report.MacroF1:F3}")));
        var table = new Table().AddColumn("class").AddColumn(new TableColumn("precision").RightAligned())
            .AddColumn(new TableColumn("recall").RightAligned()).AddColumn(new TableColumn("F1").RightAligned())
            .AddColumn(new TableColumn("support").RightAligned());
        foreach (var row in report.PerClass)
            table.AddRow(Markup.Escape(row.Class), row.Precision.ToString("F3", c), row.Recall.ToString("F3", c), row.F1.ToString("F3", c), row.Support.ToString(c));
        AnsiConsole.Write(table);

        var confusion = new Table().Title("confusion (rows: true class, columns: predicted)").AddColumn("");
        for (var j = 0; j < report.Classes.Count; j++) confusion.AddColumn(new TableColumn(j.ToString(c)).RightAligned());
        for (var i = 0; i < report.Classes.Count; i++)
            confusion.AddRow([Markup.Escape($"{i} {report.Classes[i]}"), .. report.Confusion[i].Select(n => n.ToString(c))]);
        AnsiConsole.Write(confusion);
    }
}
