using System.Globalization;
using System.Text;

namespace TransferGen.Benchmarks.Augment;

/// <summary>results.md of `transfergen augment`: the comparison as a markdown table with command, machine and date.</summary>
public static class AugmentMarkdown
{
    /// <summary>The markdown text of <paramref name="report"/>.</summary>
    public static string Render(AugmentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var m = report.Machine;
        var md = new StringBuilder();
        md.AppendLine(Invariant($"### GAN-augmented fine-tune: {report.Data}, {o.FineTune.LabelsPerClass} labels per class, {o.FineTune.Backbone}")).AppendLine();
        if (report.CommandLine is { } command) md.AppendLine("```").AppendLine(command).AppendLine("```").AppendLine();
        md.AppendLine(Invariant($"Machine: {m.Cpu}, {m.Cores} cores, {m.Os}; LibTorch {m.TorchVersion}, {m.Threads} threads. Started {m.Date:yyyy-MM-dd HH:mm} UTC."));
        var filter = o.MinConfidence is double tau ? Invariant($", kept only where the real-only classifier gives the requested class ≥ {tau:0.##}") : "";
        var discriminator = o.GanDBackbone is { } d ? $" with a pretrained-feature discriminator on {d} (hinge loss)" : "";
        var lambda = o.GanModeSeeking ?? (o.GanDBackbone is null ? 0 : Generation.ProjectedGanDefaults.ModeSeekingWeight);
        var modeSeeking = lambda > 0 ? Invariant($", mode seeking λ = {lambda:0.##}") : "";
        md.AppendLine(Invariant($"GAN: cDCGAN{discriminator}, {o.GanSteps} steps of batch {o.GanBatchSize}, augmentation {o.GanAugmentation}{modeSeeking}")
                  + (o.GanInit is { } init ? $", started from {init}" : ", from scratch")
                  + (o.GanUnlabelled is int n ? Invariant($", on the labelled images and up to {n:N0} more training images labelled by the real-only classifier (pseudo-labels)") : "")
                  + Invariant($"; {o.SyntheticPerClass} generated images per class{filter}; {o.SyntheticRatio:P0} of each augmented epoch generated. ")
                  + Invariant($"Both fine-tunes: the same options and seed ({o.FineTune.Epochs} epochs, at least {o.FineTune.MinSteps} steps a phase, {o.FineTune.ImageSize}×{o.FineTune.ImageSize}); test accuracy on {report.TestCount:N0} test images."));
        md.AppendLine();
        var pseudo = o.GanUnlabelled is not null;
        md.AppendLine("| seed | real only | real + generated | delta | steps (real / augmented) | generated kept |" + (pseudo ? " pseudo-labels right |" : ""));
        md.AppendLine("|---:|---:|---:|---:|---:|---:|" + (pseudo ? "---:|" : ""));
        foreach (var r in report.Runs)
            md.AppendLine(Invariant($"| {r.Seed} | {100 * r.RealOnly:0.00} % | {100 * r.Augmented:0.00} % | {Points(r.Delta)} | {r.RealOnlySteps} / {r.AugmentedSteps} | {r.GeneratedKept}/{r.GeneratedDrawn} |")
                          + (pseudo ? Invariant($" {100 * (r.PseudoLabelAccuracy ?? double.NaN):0.0} % of {r.PseudoLabelled:N0} |") : ""));
        if (report.Runs.Count > 0)
            md.AppendLine(Invariant($"| **mean ± std ({report.Runs.Count} seed{(report.Runs.Count == 1 ? "" : "s")})** | {Percent(report.RealOnly)} | {Percent(report.Augmented)} | {Points(report.Delta.Mean)} ± {100 * report.Delta.Std:0.00} | | |")
                          + (pseudo ? " |" : ""));
        return md.ToString();
    }

    /// <summary>"84.30 ± 0.52 %".</summary>
    public static string Percent(MeanStd value) =>
        value is null ? "–" : Invariant($"{100 * value.Mean:0.00} ± {100 * value.Std:0.00} %");

    /// <summary>"+1.23 pts" / "−0.40 pts".</summary>
    public static string Points(double delta) => (100 * delta).ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture) + " pts";

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
