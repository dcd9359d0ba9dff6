using System.ComponentModel;
using Spectre.Console.Cli;
using TransferGen.Data;
using TransferGen.Transfer;

namespace TransferGen.Cli.Commands;

/// <summary>
/// `transfergen finetune`: fine-tunes a backbone (a registry name or a run folder) on a dataset into a run folder,
/// optionally with the joint objective L = L_target + λ·L_source, or resumes one.
/// </summary>
public sealed class FineTuneCommand : TrainCommand<FineTuneCommand.Settings>
{
    /// <summary>Options of `finetune`: the shared training options, the backbone and its weights, and the freeze policy (inherited by `lr-find`, which tests the same model, data and optimiser).</summary>
    public class Settings : TrainSettings
    {
        /// <summary>The backbone's registry name or a run folder.</summary>
        [CommandOption("--backbone <B>")]
        [Description("Backbone name (see `transfergen backbones`), or the run folder of a `pretrain` or `finetune`: its trained backbone (head dropped) is the starting point.")]
        public string? Backbone { get; init; }

        /// <summary>Backbone weights file.</summary>
        [CommandOption("--weights <FILE>")]
        [Description("Backbone weights: a PyTorch state dict (.pt, .pth) or .safetensors with torchvision's key names, or an ONNX export (.onnx) of the same architecture.")]
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

        /// <summary>Backbone rate factor.</summary>
        [CommandOption("--backbone-lr-factor <F>")]
        [Description("Backbone learning rate as a fraction of the head's.")]
        [DefaultValue(0.1)]
        public double BackboneLrFactor { get; init; } = 0.1;

        /// <summary>Let a pretrained backbone's BatchNorm use batch statistics.</summary>
        [CommandOption("--train-bn-stats")]
        [Description("Let a pretrained backbone's BatchNorm layers normalise with batch statistics while fine-tuning (default: keep their pretrained running statistics)")]
        public bool TrainBatchNormStatistics { get; init; }

        /// <summary>The source dataset of the joint objective.</summary>
        [CommandOption("--source <SOURCE>")]
        [Description("Joint objective L = L_target + λ·L_source: a second head learns this dataset's classes on the shared backbone, one source batch per step wherever the backbone trains (not in the probe on cached features).")]
        public string? Source { get; init; }

        /// <summary>λ of the joint objective.</summary>
        [CommandOption("--lambda <LAMBDA>")]
        [Description("Weight λ of the source loss (with --source; default 1).")]
        public double? Lambda { get; init; }

        /// <summary>The library options these settings describe.</summary>
        public FineTuneOptions ToFineTuneOptions() =>
            CommonOptions(Backbone ?? throw new InputException("--backbone is required (see `transfergen backbones`).")) with
            {
                SourceLambda = Source is not null ? Lambda ?? 1
                    : Lambda is null ? 1 : throw new InputException("--lambda weighs the source loss; it needs --source SOURCE."),
                WeightsFile = Weights,
                FromScratch = FromScratch,
                Freeze = FreezePolicy.Parse(Freeze),
                ProbeEpochs = ProbeEpochs,
                UnfreezeEpochs = UnfreezeEpochs,
                BackboneLrFactor = BackboneLrFactor,
                KeepBatchNormStatistics = !TrainBatchNormStatistics,
            };
    }

    /// <inheritdoc />
    protected override FineTuner CreateTuner(Settings settings)
    {
        var options = settings.ToFineTuneOptions();
        options.Validate();
        BackboneResolver.Get(options.Backbone);
        return new FineTuner(options) { Warn = CliConsole.Warn };
    }

    /// <inheritdoc />
    protected override SourceTask? LoadSource(Settings settings) =>
        settings.Source is { } source ? new SourceTask(CliDatasets.Load(source, settings.ToOptions() with { Classes = null }), source) : null;
}
