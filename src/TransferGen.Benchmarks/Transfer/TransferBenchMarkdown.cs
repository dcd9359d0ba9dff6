using System.Globalization;
using System.Text;

namespace TransferGen.Benchmarks.Transfer;

/// <summary>results.md: the benchmark as a markdown section to paste into the README, with command, machine and date.</summary>
public static class TransferBenchMarkdown
{
    /// <summary>The markdown text of <paramref name="report"/>.</summary>
    public static string Render(TransferBenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var m = report.Machine;
        var md = new StringBuilder();
        md.AppendLine(Invariant($"### Transfer benchmark: {report.DatasetName}, {report.Backbone}")).AppendLine();
        if (report.CommandLine is { } command) md.AppendLine("```").AppendLine(command).AppendLine("```").AppendLine();
        md.AppendLine(Invariant($"Machine: {m.Cpu}, {m.Cores} cores, {m.Os}; LibTorch {m.TorchVersion} (TorchSharp {m.TorchSharpVersion}), {m.Threads} threads. Started {report.Date}."));
        md.AppendLine(Invariant($"Budget per run: {o.Epochs} epochs (finetune first runs {o.ProbeEpochs} head-only epochs on cached features), batch {o.BatchSize}, ")
                  + Invariant($"{o.ImageSize}×{o.ImageSize} images, seed {o.Seed}. Test accuracy on all {report.TestCount} test images; time is wall-clock seconds of the whole run."));
        if (o.Quick) md.AppendLine("**Quick smoke run: these figures mean nothing.**");
        md.AppendLine();

        md.Append("| labels/class | train images |");
        foreach (var method in o.Methods) md.Append(Invariant($" {method.Name()} |"));
        var gap = HasGap(o);
        if (gap) md.Append(" finetune − scratch |");
        md.AppendLine();
        md.Append("|---:|---:|").Append(string.Concat(o.Methods.Select(_ => "---:|"))).AppendLine(gap ? "---:|" : "");
        foreach (var labels in o.LabelsPerClass)
        {
            var runs = o.Methods.Select(method => report.Find(labels, method)).ToList();
            var train = runs.FirstOrDefault(r => r is not null)?.TrainCount.ToString("N0", CultureInfo.InvariantCulture) ?? "–";
            md.Append(Invariant($"| {labels} | {train} |"));
            foreach (var run in runs) md.Append(' ').Append(Cell(run)).Append(" |");
            if (gap)
                md.Append(' ').Append(Gap(report, labels)).Append(" |");
            md.AppendLine();
        }
        return md.ToString();
    }

    /// <summary>"accuracy % (seconds s)", or a dash for a run that has not finished.</summary>
    public static string Cell(TransferBenchRun? run) =>
        run is null ? "–" : Invariant($"{100 * run.TestAccuracy:0.00} % ({run.Seconds:0} s)") + (run.Failed ? " diverged" : "");

    /// <summary>"+12.3 pts" for finetune − scratch at <paramref name="labels"/>, or a dash while either is missing.</summary>
    public static string Gap(TransferBenchReport report, LabelBudget labels) =>
        report?.FinetuneMinusScratch.FirstOrDefault(g => g.LabelsPerClass == labels) is { } g
            ? g.Points.ToString("+0.0;−0.0;0.0", CultureInfo.InvariantCulture) + " pts"
            : "–";

    /// <summary>Whether both methods of the finetune − scratch column are in the lists.</summary>
    public static bool HasGap(TransferBenchOptions options) =>
        options is not null && options.Methods.Contains(TransferMethod.FineTune) && options.Methods.Contains(TransferMethod.Scratch);

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
