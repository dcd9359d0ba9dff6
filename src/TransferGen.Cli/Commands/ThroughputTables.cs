using System.Globalization;
using Spectre.Console;
using TransferGen.Benchmarks;

namespace TransferGen.Cli.Commands;

/// <summary>The human-readable output of `bench throughput`: the environment, then one table of results.</summary>
internal static class ThroughputTables
{
    public static void Print(IReadOnlyList<TimingSummary> results, BenchmarkEnvironment env, int repeats, int warmup, bool quick, bool variants)
    {
        var console = AnsiConsole.Console;
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("[bold]Machine[/]", Markup.Escape($"{env.Cpu}, {env.Cores} cores, {env.Os}"));
        summary.AddRow("[bold]LibTorch[/]", Markup.Escape($"{env.TorchVersion} (TorchSharp {env.TorchSharpVersion}), {env.Threads} intra-op / {env.InteropThreads} inter-op threads"));
        summary.AddRow("[bold]Run[/]", Markup.Escape($"{env.Date:yyyy-MM-dd HH:mm} UTC, {warmup} warm-up + {repeats} timed repetitions, median reported"
                                                      + (quick ? "; QUICK smoke run, numbers not comparable" : "")));
        console.Write(summary);

        var table = new Table().AddColumn("workload");
        if (variants) table.AddColumn("variant");
        foreach (var h in new[] { "batch", "median s", "min s", "max s", "img/s" }) table.AddColumn(new TableColumn(h).RightAligned());
        if (variants) table.AddColumn(new TableColumn("vs default").RightAligned());
        foreach (var r in results)
        {
            var row = new List<string> { Markup.Escape(r.Name) };
            if (variants) row.Add(Markup.Escape(r.Variant));
            row.AddRange([r.BatchSize.ToString(CultureInfo.InvariantCulture), F(r.MedianSeconds, "0.000"), F(r.MinSeconds, "0.000"),
                F(r.MaxSeconds, "0.000"), $"[bold]{F(r.ImagesPerSecond, "0.0")}[/]"]);
            if (variants)
            {
                var baseline = results.First(d => d.Name == r.Name && d.Variant == "default");
                row.Add(F(r.ImagesPerSecond / baseline.ImagesPerSecond, "0.00") + "×");
            }
            table.AddRow(row.ToArray());
        }
        console.Write(table);
    }

    static string F(double x, string format) => x.ToString(format, CultureInfo.InvariantCulture);
}
