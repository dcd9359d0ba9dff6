using System.ComponentModel;
using Spectre.Console.Cli;
using TransferGen.Transfer;

namespace TransferGen.Cli.Commands;

/// <summary>
/// `transfergen pretrain`: trains a backbone architecture from random weights on a source dataset, every parameter
/// training, into a run folder that `finetune --backbone RUN` then starts from.
/// </summary>
public sealed class PretrainCommand : TrainCommand<PretrainCommand.Settings>
{
    /// <summary>Options of `pretrain`: the shared training options and the architecture.</summary>
    public sealed class Settings : TrainSettings
    {
        /// <summary>The architecture's registry name.</summary>
        [CommandOption("--arch <A>")]
        [Description("Architecture to train from random weights (a name from `transfergen backbones`); the backbone trains at --lr, like the head.")]
        public string? Arch { get; init; }

        /// <summary>The library options these settings describe (before <see cref="Pretraining"/> fixes weights and freezing).</summary>
        public FineTuneOptions ToFineTuneOptions() =>
            CommonOptions(Arch ?? throw new InputException("--arch is required (see `transfergen backbones`)."));
    }

    /// <inheritdoc />
    protected override FineTuner CreateTuner(Settings settings)
    {
        var options = settings.ToFineTuneOptions();
        var tuner = Pretraining.Create(options.Backbone, options);
        tuner.Options.Validate();
        return tuner;
    }
}
