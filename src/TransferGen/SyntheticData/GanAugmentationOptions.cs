using TransferGen.Generation;
using TransferGen.Generation.Augmentation;
using TransferGen.Transfer;

namespace TransferGen.SyntheticData;

/// <summary>How <see cref="GanAugmentedFineTune"/> trains its GAN, draws images and mixes them into a fine-tune.</summary>
public sealed record GanAugmentationOptions
{
    /// <summary>
    /// The fine-tune both classifiers get (real-only and real + generated), with the same budget; its
    /// <see cref="FineTuneOptions.LabelsPerClass"/> is the labelled set the GAN learns from too.
    /// </summary>
    public FineTuneOptions FineTune { get; init; } = new() { LabelsPerClass = 10, MinSteps = FineTuneOptions.SmallDataMinSteps };

    /// <summary>
    /// GAN steps (batches of <see cref="GanBatchSize"/>) on the labelled training images. DiffAugment is the default
    /// small-data recipe: it measured best without a source run (`bench gan-transfer`).
    /// </summary>
    public int GanSteps { get; init; } = 2000;

    /// <summary>Images per GAN step.</summary>
    public int GanBatchSize { get; init; } = GanTrainingConfig.DefaultBatchSize;

    /// <summary>DiffAugment policy of the GAN's discriminator (<see cref="DiffAugment.Parse"/>).</summary>
    public string GanAugmentation { get; init; } = DiffAugment.Diff;

    /// <summary>A finished cDCGAN run to start the GAN from (TransferGAN, `gan train --init`); null trains from scratch.</summary>
    public string? GanInit { get; init; }

    /// <summary>Generated images per class (before any confidence filter keeps fewer).</summary>
    public int SyntheticPerClass { get; init; } = 100;

    /// <summary>The share of generated images in the augmented fine-tune's training set (<see cref="TrainingMix.Join"/>).</summary>
    public double SyntheticRatio { get; init; } = 0.5;

    /// <summary>
    /// Give the augmented fine-tune the real-only one's budget in optimiser steps: its epochs are as many images as the
    /// real training images, drawn from the mix (<see cref="FineTuner.EpochOfRealSize"/>), so both take the same epochs
    /// and steps and the real images are seen less often in the augmented one. Default true. False is the behaviour
    /// before 2026-12-03: an augmented epoch was one pass over the whole mix, which took up to 2 × (generated / real)
    /// times the real-only steps (1,116 against 168 at the quickstart's settings with 100 generated images a class).
    /// </summary>
    public bool EqualSteps { get; init; } = true;

    /// <summary>
    /// When set: keep only generated images that the real-only classifier of the same seed assigns to the requested class
    /// with at least this probability (τ). Null keeps every image.
    /// </summary>
    public double? MinConfidence { get; init; }

    /// <summary>
    /// When set: the GAN also learns from up to this many training images outside the labelled ones, each labelled by
    /// the real-only classifier of the same seed (<see cref="PseudoLabels"/>), for the same number of steps. The
    /// classifiers still train on the labelled images only. Null trains the GAN on the labelled images alone.
    /// </summary>
    public int? GanUnlabelled { get; init; }

    /// <summary>
    /// When set: the GAN's discriminator looks through the frozen early stages of this registered backbone (the
    /// pretrained-feature discriminator, `gan train --d-backbone`), with hinge loss and the
    /// <see cref="GanAugmentation"/> policy and mode seeking (<see cref="GanModeSeeking"/>), the best small-data method of
    /// `bench gan-transfer`; its steps are about 8× the plain cDCGAN's. Null keeps the cDCGAN's own discriminator.
    /// </summary>
    public string? GanDBackbone { get; init; }

    /// <summary>
    /// Weight λ of the GAN's mode-seeking term (MSGAN, `gan train --mode-seeking`); 0 leaves it out. Null takes the
    /// discriminator's default: <see cref="ProjectedGanDefaults.ModeSeekingWeight"/> with <see cref="GanDBackbone"/>, else 0.
    /// </summary>
    public double? GanModeSeeking { get; init; }

    /// <summary>Throws an <see cref="InvalidOptionException"/> naming the first option whose value makes no sense.</summary>
    public void Validate()
    {
        FineTune.Validate();
        if (FineTune.LabelsPerClass is null)
            throw new InvalidOptionException("{0} is required: the GAN learns from the same few labelled images as the classifier.", "GanAugmentationOptions.FineTune.LabelsPerClass");
        if (GanSteps < 1) throw new InvalidOptionException($"{{0}} must be at least 1, got {GanSteps}.", "GanAugmentationOptions.GanSteps");
        if (GanBatchSize < 1) throw new InvalidOptionException($"{{0}} must be at least 1, got {GanBatchSize}.", "GanAugmentationOptions.GanBatchSize");
        if (SyntheticPerClass < 1) throw new InvalidOptionException($"{{0}} must be at least 1, got {SyntheticPerClass}.", "GanAugmentationOptions.SyntheticPerClass");
        if (SyntheticRatio is not (> 0 and < 1)) throw new InvalidOptionException($"{{0}} must be between 0 and 1, got {SyntheticRatio}.", "GanAugmentationOptions.SyntheticRatio");
        if (MinConfidence is not (null or (> 0 and < 1))) throw new InvalidOptionException($"{{0}} must be between 0 and 1, got {MinConfidence}.", "GanAugmentationOptions.MinConfidence");
        if (GanUnlabelled is < 1) throw new InvalidOptionException($"{{0}} must be at least 1, got {GanUnlabelled}.", "GanAugmentationOptions.GanUnlabelled");
        if (GanModeSeeking is double lambda && !(lambda >= 0 && double.IsFinite(lambda)))
            throw new InvalidOptionException($"{{0}} must be a finite number ≥ 0, got {GanModeSeeking}.", "GanAugmentationOptions.GanModeSeeking");
        if (GanDBackbone is { } name && Models.BackboneRegistry.Find(name) is not { CreatePretrained: not null })
        {
            var usable = Models.BackboneRegistry.All.Where(b => b.CreatePretrained is not null).Select(b => b.Name);
            throw new InvalidOptionException($"Unknown backbone '{name.Replace("{", "{{").Replace("}", "}}")}' for {{0}}: it takes a registered backbone with built-in weights ({string.Join(", ", usable)}).",
                "GanAugmentationOptions.GanDBackbone");
        }
        DiffAugment.Parse(GanAugmentation);
    }
}
