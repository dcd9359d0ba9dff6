using TransferGen.Transfer;

namespace TransferGen.Benchmarks.Transfer;

/// <summary>
/// What a transfer benchmark runs: one fine-tune per label budget and method, all with the same budget (epochs,
/// batch size, image size, seed). Recorded in results.json so a resumed benchmark can check it continues the same one.
/// </summary>
public sealed record TransferBenchOptions
{
    /// <summary>Labels per class to train with, in report order.</summary>
    public IReadOnlyList<LabelBudget> LabelsPerClass { get; init; } = [new(10), new(100), new(1000), LabelBudget.Full];

    /// <summary>The methods, in report order.</summary>
    public IReadOnlyList<TransferMethod> Methods { get; init; } = [TransferMethod.Scratch, TransferMethod.Probe, TransferMethod.FineTune];

    /// <summary>Registry name of the backbone.</summary>
    public string Backbone { get; init; } = "resnet18-imagenet";

    /// <summary>Epochs of each run's main phase (the whole probe for <see cref="TransferMethod.Probe"/>).</summary>
    public int Epochs { get; init; } = new FineTuneOptions().Epochs;

    /// <summary>Head-only epochs on cached features that <see cref="TransferMethod.FineTune"/> runs first.</summary>
    public int ProbeEpochs { get; init; } = new FineTuneOptions().ProbeEpochs;

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = new FineTuneOptions().BatchSize;

    /// <summary>Images are resized to this height and width.</summary>
    public int ImageSize { get; init; } = new FineTuneOptions().ImageSize;

    /// <summary>The fewest optimiser steps per phase (see <see cref="FineTuneOptions.MinSteps"/>).</summary>
    public int MinSteps { get; init; } = FineTuneOptions.SmallDataMinSteps;

    /// <summary>Seed of subsampling, validation split, initialisation, shuffling and augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>A smoke run with tiny settings: the figures mean nothing.</summary>
    public bool Quick { get; init; }

    /// <summary>
    /// The fine-tune options of one run: the fine-tuner's own defaults (so the bench measures the current recipe),
    /// with this benchmark's budget, the label budget and the method's weights and freeze policy.
    /// </summary>
    public FineTuneOptions For(LabelBudget labels, TransferMethod method) => method.Apply(new FineTuneOptions
    {
        Backbone = Backbone,
        Epochs = Epochs,
        ProbeEpochs = ProbeEpochs,
        BatchSize = BatchSize,
        ImageSize = ImageSize,
        MinSteps = MinSteps,
        Seed = Seed,
        LabelsPerClass = labels.PerClass,
    });

    /// <summary>Throws <see cref="InputException"/> before any training when a run could not start.</summary>
    public void Validate()
    {
        if (LabelsPerClass.Count == 0) throw new InputException("--labels-per-class names no value.");
        if (Methods.Count == 0) throw new InputException("--methods names no method.");
        var spec = BackboneResolver.Get(Backbone);
        if (ImageSize % spec.InputSizeMultiple != 0)
            throw new InputException($"Backbone '{spec.Name}' needs an --image-size that is a multiple of {spec.InputSizeMultiple}, got {ImageSize}.");
        if (Methods.Any(m => m != TransferMethod.Scratch) && spec.CreatePretrained is null)
            throw new InputException($"Backbone '{spec.Name}' has no built-in weights, so only the scratch method can run.");
        foreach (var labels in LabelsPerClass)
            foreach (var method in Methods)
                For(labels, method).Validate();
    }

    /// <summary>True when runs made under <paramref name="other"/> are comparable with runs made under these options
    /// (the lists of label budgets and methods may differ).</summary>
    public bool SameBudget(TransferBenchOptions other) =>
        other is not null && string.Equals(Backbone, other.Backbone, StringComparison.OrdinalIgnoreCase)
        && (Epochs, ProbeEpochs, BatchSize, ImageSize, MinSteps, Seed, Quick) == (other.Epochs, other.ProbeEpochs, other.BatchSize, other.ImageSize, other.MinSteps, other.Seed, other.Quick);
}
