using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Data;
using TransferGen.Imaging;
using TransferGen.IO;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen data info`: what a dataset holds, as a table or one JSON object, and an optional example grid.</summary>
public sealed class DataInfoCommand : Command<DataInfoCommand.Settings>
{
    /// <summary>Options of `data info`.</summary>
    public sealed class Settings : DataSettings
    {
        /// <summary>The dataset: a builtin name or a path.</summary>
        [CommandArgument(0, "<dataset>")]
        [Description("A builtin name (fashion-mnist) or a path to IDX files, CIFAR binaries or a folder of images.")]
        public string Dataset { get; init; } = "";

        /// <summary>Print one JSON object instead of tables.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout instead of tables.")]
        public bool Json { get; init; }

        /// <summary>Where to write a PNG grid of examples.</summary>
        [CommandOption("--grid <FILE>")]
        [Description("Write a PNG grid of examples: one labelled row per class.")]
        public string? Grid { get; init; }

        /// <summary>Examples per class in the grid.</summary>
        [CommandOption("--per-class <N>")]
        [Description("Examples per class in the grid.")]
        [DefaultValue(8)]
        public int PerClass { get; init; } = 8;

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            PerClass is < 1 or > 64 ? ValidationResult.Error("--per-class must be between 1 and 64.") : base.Validate();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var dataset = CliDatasets.Load(settings.Dataset, settings.ToOptions());

        if (settings.Json) Console.Out.WriteLine(JsonSerializer.Serialize(Describe(dataset), CliJson.Options));
        else PrintTables(dataset);
        if (settings.Grid is { } gridPath) WriteGrid(dataset, gridPath, settings.PerClass, settings.Json);
        return 0;
    }

    /// <summary>Writes a labelled grid of the first <paramref name="perClass"/> examples of each class of the first split.</summary>
    static void WriteGrid(ImageDataset dataset, string gridPath, int perClass, bool json)
    {
        var split = dataset.Splits[0];
        var rows = new List<(string, IReadOnlyList<TorchSharp.torch.Tensor>)>();
        try
        {
            for (var c = 0; c < dataset.Classes.Count; c++)
            {
                var indices = Enumerable.Range(0, split.Count).Where(i => split.Labels[i] == c).Take(perClass);
                rows.Add((dataset.Classes[c], indices.Select(split.Read).ToList()));
            }
            AtomicFile.WriteAllBytes(gridPath, LabelledGrid.RenderPng(rows));
        }
        finally
        {
            foreach (var (_, images) in rows) foreach (var image in images) image.Dispose();
        }
        CliConsole.Status($"Wrote a grid of up to {perClass} examples per class from the '{split.Name}' split to {gridPath}.", json);
    }

    /// <summary>The JSON-shaped description of a dataset.</summary>
    internal static object Describe(ImageDataset dataset) => new
    {
        Source = dataset.Source,
        Format = dataset.Format,
        Classes = dataset.Classes,
        Shape = dataset.Shape.ToArray(),
        UniformShape = dataset.Splits.All(s => s.UniformShape),
        Splits = dataset.Splits.ToDictionary(s => s.Name, s => new { Count = s.Count, PerClass = s.CountPerClass(dataset.Classes.Count) }),
        SkippedFiles = dataset.SkippedFiles,
        Skipped = dataset.Skipped,
        IgnoredFolderLinks = dataset.IgnoredFolderLinks,
    };

    static void PrintTables(ImageDataset dataset)
    {
        var console = AnsiConsole.Console;
        var shape = dataset.Shape.ToString() + (dataset.Splits.All(s => s.UniformShape) ? "" : " (most common; sizes vary)");
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("[bold]Dataset[/]", Markup.Escape(dataset.Source));
        summary.AddRow("[bold]Format[/]", Markup.Escape(dataset.Format));
        summary.AddRow("[bold]Image shape[/]", Markup.Escape(shape) + " (C×H×W)");
        summary.AddRow("[bold]Classes[/]", dataset.Classes.Count.ToString());
        console.Write(summary);

        var table = new Table().AddColumn("#").AddColumn("class");
        var counts = dataset.Splits.Select(s => s.CountPerClass(dataset.Classes.Count)).ToList();
        foreach (var split in dataset.Splits) table.AddColumn(new TableColumn(split.Name).RightAligned());
        for (var c = 0; c < dataset.Classes.Count; c++)
            table.AddRow([c.ToString(), Markup.Escape(dataset.Classes[c]), .. counts.Select(k => k[c].ToString())]);
        table.AddRow(["", "[bold]total[/]", .. dataset.Splits.Select(s => $"[bold]{s.Count}[/]")]);
        console.Write(table);
    }
}
