using System.Globalization;
using TransferGen.Training;

namespace TransferGen.Quickstart;

/// <summary>
/// Each quickstart step as the `transfergen` command that repeats it (same options, seed 0, so the same numbers on the
/// same thread count). They write into <c>FOLDER-again/</c>, so running them never touches the quickstart's own runs.
/// </summary>
public static class QuickstartCommands
{
    /// <summary>The fine-tune of the ImageNet ResNet18 on the few labels.</summary>
    public static RunCommandLine Pretrained(QuickstartOptions o, string folder) =>
        Line(["finetune", .. FineTune(o, "resnet18-imagenet"), "--out", Again(folder, QuickstartJob.PretrainedFolder)]);

    /// <summary>The same network from random weights.</summary>
    public static RunCommandLine Scratch(QuickstartOptions o, string folder) =>
        Line(["finetune", .. FineTune(o, QuickstartOptions.ScratchBackbone), "--from-scratch", "--freeze", "none", "--out", Again(folder, QuickstartJob.ScratchFolder)]);

    /// <summary>The pretrained fine-tune, the GAN and the augmented fine-tune of one seed (its seed-0/ holds them).</summary>
    public static RunCommandLine Augment(QuickstartOptions o, string folder) =>
        Line(["augment", .. FineTune(o, "resnet18-imagenet"), "--gan-steps", N(o.GanSteps), "--gan-batch-size", N(o.GanBatchSize),
              "--synthetic-per-class", N(o.SyntheticPerClass), "--seeds", "1", "--out", Again(folder, "augment")]);

    /// <summary>The GAN's scores: FID, KID, precision and recall against the real floor, and class agreement.</summary>
    public static RunCommandLine Evaluate(QuickstartOptions o, string folder) =>
        Line(["gan", "evaluate", "--model", Shown(Path.Combine(folder, QuickstartJob.GanFolder)), "--data", o.Data, "-n", N(o.ScoreCount),
              "--classifier", Shown(Path.Combine(folder, QuickstartJob.PretrainedFolder)), "--per-class", N(o.AgreementPerClass)]);

    /// <summary>The HTML report of one of the quickstart's runs.</summary>
    public static RunCommandLine Report(string run) => Line(["report", Shown(run)]);

    static string[] FineTune(QuickstartOptions o, string backbone) =>
    [
        "--data", o.Data, "--backbone", backbone, "--labels-per-class", N(o.LabelsPerClass), "--image-size", N(o.ImageSize),
        "--batch-size", N(o.BatchSize), "--min-steps", N(o.MinSteps), "--test-per-class", N(o.TestPerClass),
    ];

    static RunCommandLine Line(IEnumerable<string> arguments) => RunCommandLine.Of(arguments);

    static string Again(string folder, string name) => Shown(Path.Combine(Path.TrimEndingDirectorySeparator(folder) + "-again", name));

    // A path as typed: relative to the current folder when it lies inside it.
    static string Shown(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
