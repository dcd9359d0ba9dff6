using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console.Cli;
using TransferGen.Data;
using TransferGen.Models;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen finetune`: fine-tunes a backbone on a dataset into a run folder, or resumes one.</summary>
public sealed class FineTuneCommand : Command<FineTuneCommand.Settings>
{
    /// <summary>Options of `finetune` (and, inherited, of `lr-find`, which tests the same model, data and optimiser).</summary>
    public class Settings : DataSettings
    {
        /// <summary>The dataset.</summary>
        [CommandOption("--data <D>")]
        [Description("The dataset: a builtin name (fashion-mnist) or a path (IDX, CIFAR, a folder of images).")]
        public string? Data { get; init; }

        /// <summary>The backbone's registry name.</summary>
        [CommandOption("--backbone <B>")]
        [Description("Backbone name (see `transfergen backbones`).")]
        public string? Backbone { get; init; }

        /// <summary>The run folder.</summary>
        [CommandOption("--out <RUN>")]
        [Description("Folder to write. finetune: the run folder (config.json, metrics, model.pt, checkpoint, tensorboard/); lr-find: lr-find.png and lr-find.json (default: the current folder).")]
        public string? Out { get; init; }

        /// <summary>A run to continue.</summary>
        [CommandOption("--resume <RUN>")]
        [Description("finetune: continue the run in RUN from its last checkpoint, with the options recorded in it.")]
        public string? Resume { get; init; }

        /// <summary>Backbone weights file.</summary>
        [CommandOption("--weights <FILE>")]
        [Description("Backbone weights: a PyTorch state dict (.pt, .pth) or .safetensors with torchvision's key names.")]
        public string? Weights { get; init; }

        /// <summary>Random initialisation.</summary>
        [CommandOption("--from-scratch")]
        [Description("Start from random weights (the baseline).")]
        public bool FromScratch { get; init; }

        /// <summary>Freeze policy.</summary>
        [CommandOption("--freeze <POLICY>")]
        [Description("auto (probe, then fine-tune all), gradual (probe, then unfreeze the backbone's stages from the last to the first, one more every --unfreeze-epochs, then fine-tune all; ULMFiT), all (linear probe on cached features), none, or until:STAGE.")]
        [DefaultValue("auto")]
        public string Freeze { get; init; } = "auto";

        /// <summary>Epochs.</summary>
        [CommandOption("--epochs <E>")]
        [Description("Epochs of the main phase (with --freeze gradual they include the unfreezing sub-phases; the rest train everything).")]
        [DefaultValue(10)]
        public int Epochs { get; init; } = 10;

        /// <summary>Probe epochs of --freeze auto.</summary>
        [CommandOption("--probe-epochs <E>")]
        [Description("Head-only epochs on cached features before fine-tuning (--freeze auto, gradual).")]
        [DefaultValue(10)]
        public int ProbeEpochs { get; init; } = 10;

        /// <summary>Epochs per unfreezing sub-phase of --freeze gradual.</summary>
        [CommandOption("--unfreeze-epochs <E>")]
        [Description("--freeze gradual: epochs of each sub-phase that unfreezes one more stage (stretched by --min-steps like every phase).")]
        [DefaultValue(1)]
        public int UnfreezeEpochs { get; init; } = 1;

        /// <summary>Batch size.</summary>
        [CommandOption("--batch-size <N>")]
        [DefaultValue(64)]
        [Description("Images per batch.")]
        public int BatchSize { get; init; } = 64;

        /// <summary>Head learning rate.</summary>
        [CommandOption("--lr <RATE>")]
        [Description("Learning rate of the head; the backbone gets it × --backbone-lr-factor.")]
        [DefaultValue(1e-3)]
        public double LearningRate { get; init; } = 1e-3;

        /// <summary>Backbone rate factor.</summary>
        [CommandOption("--backbone-lr-factor <F>")]
        [Description("Backbone learning rate as a fraction of the head's.")]
        [DefaultValue(0.1)]
        public double BackboneLrFactor { get; init; } = 0.1;

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

        /// <summary>Let a pretrained backbone's BatchNorm use batch statistics.</summary>
        [CommandOption("--train-bn-stats")]
        [Description("Let a pretrained backbone's BatchNorm layers normalise with batch statistics while fine-tuning (default: keep their pretrained running statistics)")]
        public bool TrainBatchNormStatistics { get; init; }

        /// <summary>Device.</summary>
        [CommandOption("--device <DEV>")]
        [DefaultValue("cpu")]
        [Description("cpu or cuda.")]
        public string Device { get; init; } = "cpu";

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print the result as one JSON object on stdout.")]
        public bool Json { get; init; }

        /// <summary>The library options these settings describe.</summary>
        public FineTuneOptions ToFineTuneOptions() => new()
        {
            Backbone = Backbone ?? throw new InputException("--backbone is required (see `transfergen backbones`)."),
            WeightsFile = Weights,
            FromScratch = FromScratch,
            Freeze = FreezePolicy.Parse(Freeze),
            Epochs = Epochs,
            ProbeEpochs = ProbeEpochs,
            UnfreezeEpochs = UnfreezeEpochs,
            BatchSize = BatchSize,
            LearningRate = LearningRate,
            BackboneLrFactor = BackboneLrFactor,
            Optimizer = Choice(Optimizer, "--optimizer", ("adamw", OptimizerKind.AdamW), ("sgd", OptimizerKind.Sgd)),
            Schedule = Choice(Schedule, "--schedule", ("cosine", ScheduleKind.Cosine), ("onecycle", ScheduleKind.OneCycle), ("constant", ScheduleKind.Constant)),
            LabelSmoothing = LabelSmoothing,
            WeightDecay = WeightDecay,
            Dropout = Dropout,
            ImageSize = ImageSize,
            Seed = Seed,
            Device = Device,
            LabelsPerClass = LabelsPerClass,
            ValidationFraction = ValidationFraction,
            Patience = Patience,
            MinSteps = MinSteps,
            Gray = Choice(Gray, "--gray", ("replicate", GrayscaleMode.Replicate), ("adapt", GrayscaleMode.Adapt)),
            Augment = !NoAugment,
            KeepBatchNormStatistics = !TrainBatchNormStatistics,
        };

        static T Choice<T>(string value, string option, params (string Name, T Value)[] choices) =>
            choices.FirstOrDefault(c => string.Equals(c.Name, value, StringComparison.OrdinalIgnoreCase)) is { Name: not null } hit
                ? hit.Value
                : throw new InputException($"{option} must be one of {string.Join(", ", choices.Select(c => c.Name))}, got '{value}'.");
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var progress = new TrainingProgress();
        FineTuneResult result;
        string runPath;
        if (settings.Resume is { } resume)
        {
            var run = RunFolder.Existing(resume);
            runPath = run.Path;
            CliConsole.Status($"Resuming {run.Path}.", settings.Json);
            result = FineTuner.Resume(run, [progress]);
        }
        else
        {
            if (settings.Data is null) throw new InputException("--data is required (or --resume RUN).");
            if (settings.Out is null) throw new InputException("--out is required: the run folder to write.");
            var options = settings.ToFineTuneOptions();
            options.Validate();
            BackboneRegistry.Get(options.Backbone);
            var dataset = DatasetResolver.Load(settings.Data, settings.ToOptions());
            runPath = Path.GetFullPath(settings.Out);
            var tuner = new FineTuner(options) { Callbacks = { progress } };
            result = tuner.Run(dataset, new RunFolder(settings.Out), settings.Data, settings.Strict);
        }
        using (result.Model)
            Report(result, runPath, settings.Json);
        return result.Failed ? CliApp.InternalError : 0;
    }

    static void Report(FineTuneResult result, string runPath, bool json)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                Run = runPath,
                BestValAccuracy = result.BestValidationAccuracy,
                result.BestEpoch,
                result.TestAccuracy,
                EpochsRun = result.History.Count,
                result.TrainCount,
                ValCount = result.ValidationCount,
                result.FeatureSeconds,
                result.Seconds,
                StoppedEarly = result.StopReason,
            }, CliJson.Options));
            return;
        }
        var test = result.TestAccuracy is { } t ? string.Create(CultureInfo.InvariantCulture, $", test accuracy {t:P2}") : "";
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Best validation accuracy {result.BestValidationAccuracy:P2} at epoch {result.BestEpoch}{test}; {result.Seconds:F1} s. Model in {runPath}."));
    }
}
