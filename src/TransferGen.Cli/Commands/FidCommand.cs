using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Metrics;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen fid A B`: FID and KID between two image sets, with the mode they were computed in.</summary>
public sealed class FidCommand : Command<FidCommand.Settings>
{
    /// <summary>Options of `fid`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>First set.</summary>
        [CommandArgument(0, "<A>")]
        [Description("First image set: a builtin dataset name or a folder (its test split if it has one, else all of it).")]
        public string A { get; init; } = "";

        /// <summary>Second set.</summary>
        [CommandArgument(1, "<B>")]
        [Description("Second image set, like A.")]
        public string B { get; init; } = "";

        /// <summary>Feature network.</summary>
        [CommandOption("--features <NAME>")]
        [Description("Feature network: resnet18-imagenet (default) or pixels (cheap pixel statistics, for smoke tests).")]
        public string Features { get; init; } = FeatureExtractors.Default;

        /// <summary>Image cap.</summary>
        [CommandOption("-n|--count <N>")]
        [Description("Use at most N images from each set (a seeded random subset). Default: all.")]
        public int? N { get; init; }

        /// <summary>KID subsets.</summary>
        [CommandOption("--kid-subsets <S>")]
        [Description("Subsets averaged for KID. Default 100.")]
        [DefaultValue(100)]
        public int KidSubsets { get; init; } = 100;

        /// <summary>Seed.</summary>
        [CommandOption("--seed <S>")]
        [Description("Seed of the subsets. Default 0.")]
        [DefaultValue(0)]
        public int Seed { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout.")]
        public bool Json { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            N is < 2 ? ValidationResult.Error("-n must be at least 2.")
            : KidSubsets < 1 ? ValidationResult.Error("--kid-subsets must be at least 1.")
            : base.Validate();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var network = FeatureExtractors.Resolve(s.Features);
        var (splitA, _) = ImageSetScoring.Load(s.A, s.N, s.Seed);
        var (splitB, _) = ImageSetScoring.Load(s.B, s.N, s.Seed);
        var scores = ImageSetScoring.Score(network, network.Create(),
            ImageSetScoring.Batches(splitA, network.InputSize), new ImageSetSide(s.A, splitA.Name, splitA.Count),
            ImageSetScoring.Batches(splitB, network.InputSize), new ImageSetSide(s.B, splitB.Name, splitB.Count),
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
}
