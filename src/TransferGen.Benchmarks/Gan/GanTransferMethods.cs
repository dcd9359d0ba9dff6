using TransferGen.Generation;
using TransferGen.Generation.Augmentation;
using TransferGen.Models.Gan;

namespace TransferGen.Benchmarks.Gan;

/// <summary>The small-data GAN recipes `bench gan-transfer` compares, each a change to one base config.</summary>
public static class GanTransferMethods
{
    /// <summary>Every method, in report order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["scratch", "diffaug", "ada", "transfer", "transfer-freezed", "transfer-diffaug", "projected", "projected-ms"];

    /// <summary>One line on what each method is.</summary>
    public static string Describe(string method, int freezeD) => method switch
    {
        "scratch" => "random initialisation, no augmentation",
        "diffaug" => "scratch + DiffAugment (color, translation, cutout) of everything D sees",
        "ada" => "scratch + the same augmentations, each with ADA's adaptive probability",
        "transfer" => "TransferGAN: G, D and EMA G from the source run (--init)",
        "transfer-freezed" => $"TransferGAN + FreezeD: --init and the first {freezeD} discriminator blocks frozen",
        "transfer-diffaug" => "TransferGAN + DiffAugment: --init and the same augmentations of everything D sees",
        "projected" => "pretrained-feature D (--d-backbone resnet18-imagenet with hinge loss and DiffAugment, without mode seeking)",
        "projected-ms" => "projected + MSGAN's mode-seeking term (--mode-seeking 1) against its within-class collapse",
        _ => throw new InputException($"Unknown method '{method}' (known: {string.Join(", ", Names)})."),
    };

    /// <summary>The config of <paramref name="method"/>: <paramref name="baseConfig"/> with the method's change.</summary>
    public static GanTrainingConfig Apply(string method, GanTrainingConfig baseConfig, string sourceRun, int freezeD) => method switch
    {
        "scratch" => baseConfig,
        "diffaug" => baseConfig with { Augmentation = DiffAugment.Diff },
        "ada" => baseConfig with { Augmentation = DiffAugment.Diff, Ada = true },
        "transfer" => baseConfig with { InitFrom = sourceRun },
        "transfer-freezed" => baseConfig with { InitFrom = sourceRun, FreezeD = freezeD },
        "transfer-diffaug" => baseConfig with { InitFrom = sourceRun, Augmentation = DiffAugment.Diff },
        "projected" => ProjectedGanDefaults.Apply(
            baseConfig with { Model = baseConfig.Model with { Projected = new ProjectedDiscriminatorOptions() } },
            lossChosen: false, augmentationChosen: false, modeSeekingChosen: true),   // the method as first measured, without mode seeking
        "projected-ms" => WithModeSeeking(Apply("projected", baseConfig, sourceRun, freezeD), 1),
        _ => throw new InputException($"Unknown method '{method}' (known: {string.Join(", ", Names)})."),
    };

    static GanTrainingConfig WithModeSeeking(GanTrainingConfig config, double weight) =>
        config with { Step = config.Step with { ModeSeekingWeight = weight } };
}
