using TransferGen.Generation.Augmentation;
using TransferGen.Scoring;
using TransferGen.SyntheticData;
using TransferGen.Transfer;

namespace TransferGen.Quickstart;

/// <summary>
/// What <see cref="QuickstartJob"/> runs. The defaults are sized to finish in about six minutes on two CPU cores with the
/// full Fashion-MNIST installed; every step is also a `transfergen` command with these options
/// (<see cref="QuickstartCommands"/>). Every step uses seed 0, so a second run repeats the first.
/// </summary>
public sealed record QuickstartOptions
{
    /// <summary>The labelled data: a builtin name or a dataset folder with a test split.</summary>
    public string Data { get; init; } = "fashion-mnist";

    /// <summary>Labelled images per class: the few labels both classifiers and the GAN learn from.</summary>
    public int LabelsPerClass { get; init; } = 10;

    /// <summary>Image side the classifiers see (the ImageNet network's features are weaker on smaller images).</summary>
    public int ImageSize { get; init; } = 64;

    /// <summary>Images per fine-tune step (32 halves a step's time against the default 64 at the same accuracy here).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Test images per class every classifier is scored on (<see cref="FineTuneOptions.TestPerClass"/>): 2,000 of Fashion-MNIST's 10,000.</summary>
    public int TestPerClass { get; init; } = 200;

    /// <summary>Optimiser steps per fine-tune phase at least (<see cref="FineTuneOptions.MinSteps"/>).</summary>
    public int MinSteps { get; init; } = 100;

    /// <summary>Steps of the conditional GAN.</summary>
    public int GanSteps { get; init; } = 500;

    /// <summary>Images per GAN step.</summary>
    public int GanBatchSize { get; init; } = 32;

    /// <summary>
    /// Generated images per class for the augmented fine-tune: as many as the real ones, so that its epochs are about as
    /// long and both fine-tunes get about the same optimiser steps (100 per class made it take 7× as many).
    /// </summary>
    public int SyntheticPerClass { get; init; } = 10;

    /// <summary>Images per side for FID, KID, precision and recall (capped by the test split).</summary>
    public int ScoreCount { get; init; } = 1000;

    /// <summary>Generated images per class the pretrained classifier judges for class agreement.</summary>
    public int AgreementPerClass { get; init; } = 100;

    /// <summary>Where the networks run.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TorchSharp.torch.Device Device { get; init; } = TorchSharp.torch.CPU;

    /// <summary>The pretrained fine-tune: the ImageNet ResNet18, probe then the whole network.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public FineTuneOptions Pretrained => new()
    {
        Backbone = FeatureExtractors.ResNet18ImageNet,
        LabelsPerClass = LabelsPerClass,
        ImageSize = ImageSize,
        BatchSize = BatchSize,
        TestPerClass = TestPerClass,
        MinSteps = MinSteps,
        Device = Device,
    };

    /// <summary>The same network from random weights, every layer trained from the start, with the same budget.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public FineTuneOptions Scratch => Pretrained with { Backbone = ScratchBackbone, FromScratch = true, Freeze = new FreezePolicy(FreezeKind.None) };

    /// <summary>The GAN and the augmented fine-tune: a cDCGAN with DiffAugment on the labelled images, half of each epoch generated.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public GanAugmentationOptions Augmentation => new()
    {
        FineTune = Pretrained,
        GanSteps = GanSteps,
        GanBatchSize = GanBatchSize,
        GanAugmentation = DiffAugment.Diff,
        SyntheticPerClass = SyntheticPerClass,
    };

    /// <summary>The registry name of the network trained from scratch (the ImageNet one's architecture).</summary>
    public const string ScratchBackbone = "resnet18";

    /// <summary>Throws an <see cref="InvalidOptionException"/> naming the first option whose value makes no sense.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Data)) throw new InvalidOptionException("{0} must name a dataset.", "QuickstartOptions.Data");
        if (ScoreCount < 4) throw new InvalidOptionException($"{{0}} must be at least 4 (precision and recall need more than k = 3 images), got {ScoreCount}.", "QuickstartOptions.ScoreCount");
        if (AgreementPerClass < 1) throw new InvalidOptionException($"{{0}} must be at least 1, got {AgreementPerClass}.", "QuickstartOptions.AgreementPerClass");
        Scratch.Validate();
        Augmentation.Validate();
        // Checked now rather than by the fine-tune that needs it, which would fail only after the scratch run.
        foreach (var backbone in new[] { Pretrained.Backbone, Scratch.Backbone }.Select(BackboneResolver.Get))
            if (ImageSize % backbone.InputSizeMultiple != 0)
                throw new InvalidOptionException($"Backbone '{backbone.Name}' needs an {{0}} that is a multiple of {backbone.InputSizeMultiple}, got {ImageSize}.", "QuickstartOptions.ImageSize");
    }
}
