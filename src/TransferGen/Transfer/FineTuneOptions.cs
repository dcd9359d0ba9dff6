using TransferGen.Models;

namespace TransferGen.Transfer;

/// <summary>The optimiser a fine-tune uses.</summary>
public enum OptimizerKind
{
    /// <summary>AdamW (decoupled weight decay).</summary>
    AdamW,

    /// <summary>SGD with (Nesterov-free) momentum.</summary>
    Sgd,
}

/// <summary>The shape of the learning rate over a phase.</summary>
public enum ScheduleKind
{
    /// <summary>Linear warm-up, then cosine decay to zero.</summary>
    Cosine,

    /// <summary>One-cycle: warm-up from lr/25 to lr, then cosine decay to lr/10⁴ (Smith 2018).</summary>
    OneCycle,

    /// <summary>Constant rate.</summary>
    Constant,
}

/// <summary>Everything a fine-tune run depends on (all of it goes into the run's config.json).</summary>
public sealed record FineTuneOptions
{
    /// <summary>
    /// Registry name of the backbone (see <c>transfergen backbones</c>), or the run folder of a finetune or pretrain run;
    /// by default the ImageNet-pretrained ResNet18 that ships with TransferGen.
    /// </summary>
    public string Backbone { get; init; } = "resnet18-imagenet";

    /// <summary>A weight file for the backbone (.pt, .pth, .safetensors); null uses built-in weights or <see cref="FromScratch"/>.</summary>
    public string? WeightsFile { get; init; }

    /// <summary>Random initialisation instead of pretrained weights.</summary>
    public bool FromScratch { get; init; }

    /// <summary>Which parameters train.</summary>
    public FreezePolicy Freeze { get; init; } = new(FreezeKind.Auto);

    /// <summary>
    /// Epochs (passes over the training images) of the main phase: the fine-tune, or the probe itself for
    /// <see cref="FreezeKind.All"/>. Under the default <see cref="FreezeKind.Auto"/> the <see cref="ProbeEpochs"/> on cached
    /// features come first. With <see cref="FreezeKind.Gradual"/> they include the unfreezing sub-phases: the epochs
    /// left after those train everything. Exactly this many unless <see cref="MinSteps"/> stretches a short phase.
    /// </summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Epochs of the head-only phase of <see cref="FreezeKind.Auto"/> and <see cref="FreezeKind.Gradual"/> (cheap: on cached features).</summary>
    public int ProbeEpochs { get; init; } = 10;

    /// <summary>Epochs of each sub-phase of <see cref="FreezeKind.Gradual"/>, which unfreezes one more backbone stage.</summary>
    public int UnfreezeEpochs { get; init; } = 1;

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Learning rate of the head (the backbone's is this × <see cref="BackboneLrFactor"/>).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Backbone learning rate as a fraction of the head's (discriminative rates).</summary>
    public double BackboneLrFactor { get; init; } = 0.1;

    /// <summary>The optimiser.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;

    /// <summary>Momentum of SGD.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay (decoupled for AdamW).</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Learning-rate schedule over each phase, stepped every batch.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;

    /// <summary>Share of each phase's steps spent warming up linearly.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Label smoothing of the cross-entropy loss.</summary>
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Dropout before the head (0 for none).</summary>
    public double Dropout { get; init; }

    /// <summary>Images are resized to this height and width.</summary>
    public int ImageSize { get; init; } = 64;

    /// <summary>Seed of everything random: subsampling, validation split, initialisation, shuffling, augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The device to train on (the CPU by default). Not among the recorded options: a run may be resumed, and its model
    /// loaded, on another device; config.json notes the device it trained on.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TorchSharp.torch.Device Device { get; init; } = TorchSharp.torch.CPU;

    /// <summary>Train on this many labelled images per class (null: all).</summary>
    public int? LabelsPerClass { get; init; }

    /// <summary>
    /// Test on at most this many images per class of the "test" split (null: all of them): a class-stratified subset
    /// drawn with seed 0, whatever <see cref="Seed"/> is, so runs with other seeds are tested on the same images.
    /// Evaluating 10,000 test images costs a fine-tune on 2 cores about as much as a hundred training steps.
    /// </summary>
    public int? TestPerClass { get; init; }

    /// <summary>The test images a run with these options is scored on: the "test" split, cut to <see cref="TestPerClass"/>.</summary>
    public Data.ImageSplit TestSplit(Data.ImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var test = dataset["test"];
        return TestPerClass is int k ? Data.Subsampling.PerClass(test, k, 0) : test;
    }

    /// <summary>Share of each class carved from train for validation when the dataset has no "val" split.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Stop after this many epochs without a better validation accuracy (0: never).</summary>
    public int Patience { get; init; } = 5;

    /// <summary>
    /// The fewest optimiser steps a phase runs (0: no minimum, the default here, so <see cref="Epochs"/> is literal).
    /// With few labels an epoch is one or two batches; a minimum gives such a phase more epochs (and early stopping a
    /// proportionally longer patience) until it reaches this many steps. The command line's <c>--min-steps</c>
    /// defaults to <see cref="SmallDataMinSteps"/>, which every benchmark in the README used.
    /// </summary>
    public int MinSteps { get; init; }

    /// <summary>The minimum steps per phase measured to help small label sets (K = 10 probe: 24.9 % → 66.4 %).</summary>
    public const int SmallDataMinSteps = 300;

    /// <summary>How one-channel data reaches an RGB backbone.</summary>
    public GrayscaleMode Gray { get; init; } = GrayscaleMode.Replicate;

    /// <summary>Apply the original design's augmentation (rotation, shift, flip) to training images.</summary>
    public bool Augment { get; init; } = true;

    /// <summary>
    /// Whether a pretrained backbone's BatchNorm layers keep normalising with their pretrained running statistics while
    /// their weights train (eval mode). Switching a pretrained network to per-batch statistics of a small, different
    /// target set shifts every feature at once and undoes the probe's head; ignored from scratch, where the statistics
    /// must be learned.
    /// </summary>
    public bool KeepBatchNormStatistics { get; init; } = true;

    /// <summary>Background threads of the batch loader.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>
    /// λ of the joint objective L = L_target + λ·L_source, used when the fine-tune is given a <see cref="SourceTask"/>
    /// (ignored without one). 0 keeps the source head training without letting it touch the backbone.
    /// </summary>
    public double SourceLambda { get; init; } = 1;

    /// <summary>Throws an <see cref="InvalidOptionException"/> naming the first option whose value makes no sense.</summary>
    public void Validate()
    {
        static void Require(bool ok, string template, params string[] properties)
        {
            if (!ok) throw new InvalidOptionException(template, properties);
        }
        Require(Epochs >= 1, $"{{0}} must be at least 1, got {Epochs}.", P(nameof(Epochs)));
        Require(ProbeEpochs >= 1, $"{{0}} must be at least 1, got {ProbeEpochs}.", P(nameof(ProbeEpochs)));
        Require(UnfreezeEpochs >= 1, $"{{0}} must be at least 1, got {UnfreezeEpochs}.", P(nameof(UnfreezeEpochs)));
        Require(BatchSize >= 1, $"{{0}} must be at least 1, got {BatchSize}.", P(nameof(BatchSize)));
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"{{0}} must be positive, got {LearningRate}.", P(nameof(LearningRate)));
        Require(BackboneLrFactor > 0 && double.IsFinite(BackboneLrFactor), $"{{0}} must be positive, got {BackboneLrFactor}.", P(nameof(BackboneLrFactor)));
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), $"{{0}} must be 0 or more, got {WeightDecay}.", P(nameof(WeightDecay)));
        Require(Momentum is >= 0 and < 1, $"{{0}} must be in [0, 1), got {Momentum}.", P(nameof(Momentum)));
        Require(Enum.IsDefined(Optimizer), $"{{0}} {(int)Optimizer} is not an optimizer.", P(nameof(Optimizer)));
        Require(Enum.IsDefined(Schedule), $"{{0}} {(int)Schedule} is not a schedule.", P(nameof(Schedule)));
        Require(Enum.IsDefined(Gray), $"{{0}} {(int)Gray} is not a grayscale mode.", P(nameof(Gray)));
        Require(Workers is >= 1 and <= 256, $"{{0}} must be between 1 and 256, got {Workers}.", P(nameof(Workers)));
        Require(LabelSmoothing is >= 0 and < 1, $"{{0}} must be in [0, 1), got {LabelSmoothing}.", P(nameof(LabelSmoothing)));
        Require(Dropout is >= 0 and < 1, $"{{0}} must be in [0, 1), got {Dropout}.", P(nameof(Dropout)));
        Require(WarmupFraction is >= 0 and < 1, $"{{0}} must be in [0, 1), got {WarmupFraction}.", P(nameof(WarmupFraction)));
        Require(ImageSize is >= 8 and <= 1024, $"{{0}} must be between 8 and 1024, got {ImageSize}.", P(nameof(ImageSize)));
        Require(LabelsPerClass is null or >= 1, $"{{0}} must be at least 1, got {LabelsPerClass}.", P(nameof(LabelsPerClass)));
        Require(TestPerClass is null or >= 1, $"{{0}} must be at least 1, got {TestPerClass}.", P(nameof(TestPerClass)));
        Require(ValidationFraction is > 0 and < 1, $"{{0}} must be between 0 and 1, got {ValidationFraction}.", P(nameof(ValidationFraction)));
        Require(Patience >= 0, $"{{0}} must be 0 or more, got {Patience}.", P(nameof(Patience)));
        Require(MinSteps >= 0, $"{{0}} must be 0 or more, got {MinSteps}.", P(nameof(MinSteps)));
        Require(!(FromScratch && WeightsFile is not null), "{0} and {1} exclude each other.", P(nameof(FromScratch)), P(nameof(WeightsFile)));
        Require(SourceLambda >= 0 && double.IsFinite(SourceLambda), $"{{0}} must be 0 or more, got {SourceLambda}.", P(nameof(SourceLambda)));
    }

    static string P(string property) => $"{nameof(FineTuneOptions)}.{property}";
}
