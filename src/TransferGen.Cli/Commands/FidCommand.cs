using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Cli.Progress;
using TransferGen.Metrics;
using TransferGen.Scoring;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen fid A B`: FID and KID between two image sets, with the mode they were computed in.</summary>
public sealed class FidCommand : Command<FidCommand.Settings>
{
    /// <summary>Options of `fid`.</summary>
    public sealed class Settings : ScoreSettings
    {
        /// <summary>First set.</summary>
        [CommandArgument(0, "<A>")]
        [Description("First image set: a builtin dataset name, a dataset folder (its test split if it has one, else all of it) or a flat folder of images.")]
        public string A { get; init; } = "";

        /// <summary>Second set.</summary>
        [CommandArgument(1, "<B>")]
        [Description("Second image set, like A.")]
        public string B { get; init; } = "";

        /// <summary>Image cap.</summary>
        [CommandOption("-n|--count <N>")]
        [Description("Use at most N images from each set (a seeded random subset). Default: all.")]
        public int? N { get; init; }

        /// <summary>Classes of B to keep.</summary>
        [CommandOption("--classes-b <LIST>")]
        [Description("Keep only these classes of B (--classes selects those of A).")]
        public string? ClassesB { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            N is < 2 ? ValidationResult.Error("-n must be at least 2.")
            : base.Validate();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var network = FeatureExtractors.Resolve(s.Features);
        const string OptionB = nameof(Settings) + "." + nameof(Settings.ClassesB);
        var classesA = DataSettings.ClassList(s.Classes);
        var classesB = DataSettings.ClassList(s.ClassesB, OptionB);
        var (splitA, datasetA) = ImageSetScoring.Load(s.A, s.N, s.Seed, maxImagePixels: s.MaxImagePixels, classes: classesA);
        CliDatasets.Warn(datasetA);
        var (splitB, datasetB) = ImageSetScoring.Load(s.B, s.N, s.Seed, maxImagePixels: s.MaxImagePixels, classes: classesB, classesOption: OptionB);
        CliDatasets.Warn(datasetB);
        var progress = ActivityProgress.ForStderr(s.Json);
        using var source = new FeatureSource(network, s.FeatureCache());
        using var featuresA = Features(progress, source, splitA, "A");
        using var featuresB = Features(progress, source, splitB, "B");
        var scores = ImageSetScoring.Score(network,
            featuresA.Features, new ImageSetSide(s.A, splitA.Name, splitA.Count, featuresA.FromCache),
            featuresB.Features, new ImageSetSide(s.B, splitB.Name, splitB.Count, featuresB.FromCache),
            s.KidSubsets, s.Seed);
        if (s.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(ScoreReport.Json(scores), CliJson.Options));
            return 0;
        }
        foreach (var line in ScoreReport.Human("A vs B", scores)) Console.WriteLine(line);
        Console.WriteLine(ImageSetScores.Caveat);
        return 0;
    }

    // One activity per side, so the progress line says which set is being extracted (a cached set shows none).
    static SetFeatures Features(ActivityProgress progress, FeatureSource source, Data.ImageSplit split, string side) =>
        progress.Run($"features of {side}: {split.Count} images ({source.Network.Name}, {source.Network.InputSize}×{source.Network.InputSize})",
            () => source.Of(split, batches => progress.Counting(batches, side, split.Count)));
}
