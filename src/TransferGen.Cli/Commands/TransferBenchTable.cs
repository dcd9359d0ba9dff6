using Spectre.Console;
using TransferGen.Benchmarks.Transfer;

namespace TransferGen.Cli.Commands;

/// <summary>The human-readable output of `bench transfer`: machine and budget, then K × method.</summary>
internal static class TransferBenchTable
{
    public static void Print(TransferBenchReport report, string? folder)
    {
        var console = AnsiConsole.Console;
        var o = report.Options;
        var m = report.Machine;
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("[bold]Machine[/]", Markup.Escape($"{m.Cpu}, {m.Cores} cores, {m.Os}; {m.Threads} LibTorch threads"));
        summary.AddRow("[bold]Data[/]", Markup.Escape($"{report.DatasetName}, all {report.TestCount} test images scored; backbone {report.Backbone}"));
        summary.AddRow("[bold]Budget[/]", Markup.Escape($"{o.Epochs} epochs (+{o.ProbeEpochs} probe epochs for finetune), batch {o.BatchSize}, "
                                                         + $"{o.ImageSize}×{o.ImageSize}, seed {o.Seed}; started {report.Date}"
                                                         + (o.Quick ? "; QUICK smoke run, figures mean nothing" : "")));
        console.Write(summary);

        var table = new Table().AddColumn(new TableColumn("labels/class").RightAligned()).AddColumn(new TableColumn("train images").RightAligned());
        foreach (var method in o.Methods) table.AddColumn(new TableColumn($"{method.Name()}\ntest acc (time)").RightAligned());
        var gap = TransferBenchMarkdown.HasGap(o);
        if (gap) table.AddColumn(new TableColumn("finetune − scratch").RightAligned());
        foreach (var labels in o.LabelsPerClass)
        {
            var runs = o.Methods.Select(method => report.Find(labels, method)).ToList();
            var row = new List<string> { labels.ToString(), runs.FirstOrDefault(r => r is not null)?.TrainCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "–" };
            row.AddRange(runs.Select(r => Markup.Escape(TransferBenchMarkdown.Cell(r))));
            if (gap) row.Add($"[bold]{Markup.Escape(TransferBenchMarkdown.Gap(report, labels))}[/]");
            table.AddRow(row.ToArray());
        }
        console.Write(table);
        if (folder is not null) console.WriteLine($"Results in {TransferBenchFiles.ResultsPath(folder)} and {TransferBenchFiles.MarkdownPath(folder)}.");
    }
}
