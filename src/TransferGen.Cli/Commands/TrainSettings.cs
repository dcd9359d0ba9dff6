using System.ComponentModel;
using Spectre.Console.Cli;
using TransferGen.Models;
using TransferGen.Transfer;

namespace TransferGen.Cli.Commands;

/// <summary>
/// Options shared by the commands that train a classifier into a run folder (`pretrain`, `finetune`): data, run
/// folder, epochs, batch, rates, schedule, regularisation, image size, labels, validation and device.
/// </summary>
public class TrainSettings : DataSettings
{
    /// <summary>The dataset.</summary>
    [CommandOption("--data <D>")]
    [Description("The dataset: a builtin name (fashion-mnist) or a path (IDX, CIFAR, a folder of images).")]
    public string? Data { get; init; }

    /// <summary>The run folder.</summary>
    [CommandOption("--out <RUN>")]
    [Description("Run folder to write (new or empty, or an earlier run with --overwrite): config.json, metrics, model.pt, checkpoint, tensorboard/.")]
    public string? Out { get; init; }

    /// <summary>Replace the run in --out.</summary>
    [CommandOption("--overwrite")]
    [Description("Let --out be an earlier TransferGen run folder: the files TransferGen wrote there are removed first (nothing else is); without it --out must be new or empty.")]
    public bool Overwrite { get; init; }

    /// <summary>A run to continue.</summary>
    [CommandOption("--resume <RUN>")]
    [Description("Continue the run in RUN from its last checkpoint, with the options recorded in it.")]
    public string? Resume { get; init; }

    /// <summary>Epochs.</summary>
    [CommandOption("--epochs <E>")]
    [Description("Epochs of the main phase.")]
    [DefaultValue(10)]
    public int Epochs { get; init; } = 10;

    /// <summary>Batch size.</summary>
    [CommandOption("--batch-size <N>")]
    [DefaultValue(64)]
    [Description("Images per batch.")]
    public int BatchSize { get; init; } = 64;

    /// <summary>Head learning rate.</summary>
    [CommandOption("--lr <RATE>")]
    [Description("Learning rate of the head; the backbone gets it × --backbone-lr-factor in `finetune`, the same rate in `pretrain`.")]
    [DefaultValue(1e-3)]
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Optimiser.</summary>
    [CommandOption("--optimizer <NAME>")]
    [Description("adamw or sgd (with momentum).")]
    [DefaultValue("adamw")]
    public string Optimizer { get; init; } = "adamw";

    /// <summary>Schedule.</summary>
    [CommandOption("--schedule <NAME>")]
    [Description("cosine (linear warm-up, cosine decay), onecycle or constant.")]
    [DefaultValue("cosine")]
    public string Schedule { get; init; } = "cosine";

    /// <summary>Label smoothing.</summary>
    [CommandOption("--label-smoothing <S>")]
    [DefaultValue(0.1)]
    [Description("Label smoothing of the loss.")]
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Weight decay.</summary>
    [CommandOption("--weight-decay <W>")]
    [DefaultValue(1e-4)]
    [Description("Weight decay.")]
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Dropout before the head.</summary>
    [CommandOption("--dropout <P>")]
    [DefaultValue(0.0)]
    [Description("Dropout before the linear head.")]
    public double Dropout { get; init; }

    /// <summary>Image size.</summary>
    [CommandOption("--image-size <N>")]
    [DefaultValue(64)]
    [Description("Images are resized to N×N.")]
    public int ImageSize { get; init; } = 64;

    /// <summary>Labels per class.</summary>
    [CommandOption("--labels-per-class <K>")]
    [Description("Train on K labelled images per class, chosen with the seed.")]
    public int? LabelsPerClass { get; init; }

    /// <summary>Validation fraction.</summary>
    [CommandOption("--val-fraction <F>")]
    [DefaultValue(0.1)]
    [Description("Share of each class carved from train for validation (when the data has no val split).")]
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Test images per class.</summary>
    [CommandOption("--test-per-class <N>")]
    [Description("Test on at most N images per class of the test split (the same seeded subset for every --seed); default all.")]
    public int? TestPerClass { get; init; }

    /// <summary>Early-stopping patience.</summary>
    [CommandOption("--patience <N>")]
    [DefaultValue(5)]
    [Description("Stop after N epochs without a better validation accuracy (0: never).")]
    public int Patience { get; init; } = 5;

    /// <summary>Minimum optimiser steps per phase.</summary>
    [CommandOption("--min-steps <N>")]
    [DefaultValue(300)]
    [Description("Each phase runs at least N optimiser steps (with few labels an epoch is one or two batches, so it gets more epochs and a proportionally longer patience)")]
    public int MinSteps { get; init; } = 300;

    /// <summary>Gray handling.</summary>
    [CommandOption("--gray <MODE>")]
    [DefaultValue("replicate")]
    [Description("Gray images: replicate to 3 channels, or adapt the first convolution (sum of RGB kernels).")]
    public string Gray { get; init; } = "replicate";

    /// <summary>No augmentation.</summary>
    [CommandOption("--no-augment")]
    [Description("Train without the rotation/shift/flip augmentation.")]
    public bool NoAugment { get; init; }

    /// <summary>Device.</summary>
    [CommandOption("--device <DEV>")]
    [DefaultValue("cpu")]
    [Description("cpu, cuda or cuda:N.")]
    public string Device { get; init; } = "cpu";

    /// <summary>JSON output.</summary>
    [CommandOption("--json")]
    [Description("Print the result as one JSON object on stdout.")]
    public bool Json { get; init; }

    /// <summary>The library options these shared settings describe, for <paramref name="backbone"/>.</summary>
    protected FineTuneOptions CommonOptions(string backbone) => new()
    {
        Backbone = backbone,
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Optimizer = Choice(Optimizer, "--optimizer", ("adamw", OptimizerKind.AdamW), ("sgd", OptimizerKind.Sgd)),
        Schedule = Choice(Schedule, "--schedule", ("cosine", ScheduleKind.Cosine), ("onecycle", ScheduleKind.OneCycle), ("constant", ScheduleKind.Constant)),
        LabelSmoothing = LabelSmoothing,
        WeightDecay = WeightDecay,
        Dropout = Dropout,
        ImageSize = ImageSize,
        Seed = Seed,
        Device = Devices.Parse(Device),
        LabelsPerClass = LabelsPerClass,
        ValidationFraction = ValidationFraction,
        TestPerClass = TestPerClass,
        Patience = Patience,
        MinSteps = MinSteps,
        Gray = Choice(Gray, "--gray", ("replicate", GrayscaleMode.Replicate), ("adapt", GrayscaleMode.Adapt)),
        Augment = !NoAugment,
    };

    /// <summary>The value of <paramref name="option"/> among <paramref name="choices"/>; an <see cref="InputException"/> otherwise.</summary>
    protected static T Choice<T>(string value, string option, params (string Name, T Value)[] choices) =>
        choices.FirstOrDefault(c => string.Equals(c.Name, value, StringComparison.OrdinalIgnoreCase)) is { Name: not null } hit
            ? hit.Value
            : throw new InputException($"{option} must be one of {string.Join(", ", choices.Select(c => c.Name))}, got '{value}'.");
}
