using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Imaging;
using TransferGen.Scoring;

namespace TransferGen.Cli.Commands;

/// <summary>Options shared by the commands that compute FID/KID (`fid`, `gan evaluate`).</summary>
public class ScoreSettings : CommonSettings
{
    /// <summary>Feature network.</summary>
    [CommandOption("--features <NAME>")]
    [Description("Feature network: resnet18-imagenet (default, 128 px), resnet18-imagenet-224, pixels (cheap pixel statistics, for smoke tests) or a `finetune` run folder.")]
    public string Features { get; init; } = FeatureExtractors.Default;

    /// <summary>KID subsets.</summary>
    [CommandOption("--kid-subsets <S>")]
    [Description("Subsets averaged for KID. Default 100.")]
    [DefaultValue(100)]
    public int KidSubsets { get; init; } = 100;

    /// <summary>Seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of the image subsets, latents and KID subsets. Default 0.")]
    [DefaultValue(0)]
    public int Seed { get; init; }

    /// <summary>The pixel limit of image files.</summary>
    [CommandOption("--max-image-pixels <N>")]
    [Description("Skip image files whose header claims more than N pixels (width × height). Default 100000000, at most 500000000.")]
    [DefaultValue(ImageCodec.DefaultMaxPixels)]
    public long MaxImagePixels { get; init; } = ImageCodec.DefaultMaxPixels;

    /// <summary>Classes to keep.</summary>
    [CommandOption("--classes <LIST>")]
    [Description("Keep only these classes of the real data (of A, for `fid`): a comma list of indices or names (5,6,7 or Sandal,Shirt).")]
    public string? Classes { get; init; }

    /// <summary>Cache bypass.</summary>
    [CommandOption("--no-cache")]
    [Description("Neither read nor write cached features of the real image sets (they are extracted again).")]
    public bool NoCache { get; init; }

    /// <summary>Cache folder.</summary>
    [CommandOption("--cache-dir <DIR>")]
    [Description("Folder of cached features. Default $TRANSFERGEN_FEATURE_CACHE, else $XDG_CACHE_HOME/transfergen/features, else ~/.cache/transfergen/features.")]
    public string? CacheDir { get; init; }

    /// <summary>JSON output.</summary>
    [CommandOption("--json")]
    [Description("Print exactly one JSON object on stdout.")]
    public bool Json { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        KidSubsets < 1 ? ValidationResult.Error("--kid-subsets must be at least 1.")
        : NoCache && CacheDir is not null ? ValidationResult.Error("--no-cache and --cache-dir contradict each other; give one.")
        : base.Validate();

    /// <summary>The feature cache these options ask for (warnings on stderr); null with --no-cache or when no folder can be told.</summary>
    public FeatureStore? FeatureCache()
    {
        if (NoCache) return null;
        if ((CacheDir ?? FeatureStore.DefaultFolder()) is not { } folder)
        {
            CliConsole.Warn($"no home folder to keep cached features in; set {FeatureStore.FolderVariable} or pass --cache-dir to cache them.");
            return null;
        }
        return new FeatureStore(folder, CliConsole.Warn);
    }
}
