using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console.Cli;
using TransferGen.Data;
using TransferGen.Transfer;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen evaluate`: a fine-tuned model's accuracy on a dataset split.</summary>
public sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    /// <summary>Options of `evaluate`.</summary>
    public sealed class Settings : DataSettings
    {
        /// <summary>The run folder.</summary>
        [CommandOption("--model <RUN>")]
        [Description("Run folder written by `transfergen finetune`.")]
        public string? Model { get; init; }

        /// <summary>The dataset.</summary>
        [CommandOption("--data <D>")]
        [Description("The dataset: a builtin name or a path; its classes must be the model's.")]
        public string? Data { get; init; }

        /// <summary>The split.</summary>
        [CommandOption("--split <NAME>")]
        [DefaultValue("test")]
        [Description("The split to evaluate.")]
        public string Split { get; init; } = "test";

        /// <summary>Batch size.</summary>
        [CommandOption("--batch-size <N>")]
        [DefaultValue(256)]
        [Description("Images per inference batch.")]
        public int BatchSize { get; init; } = 256;

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Model is null) throw new InputException("--model RUN is required.");
        if (settings.Data is null) throw new InputException("--data is required.");
        using var model = TrainedModel.Load(settings.Model);
        var dataset = DatasetResolver.Load(settings.Data, settings.ToOptions());
        if (!dataset.Classes.SequenceEqual(model.Classes))
            throw new InputException($"{settings.Data} has classes ({string.Join(", ", dataset.Classes)}) other than the model's ({string.Join(", ", model.Classes)}).");
        if (dataset.Shape.Channels != model.Config.DataChannels)
            throw new InputException($"{settings.Data} has {dataset.Shape.Channels}-channel images but the model was trained on {model.Config.DataChannels}-channel ones.");
        var split = dataset[settings.Split];
        using var result = Evaluator.Run(model.Model, split, model.Transform, settings.BatchSize);
        var accuracy = result.Accuracy();
        if (settings.Json)
            Console.Out.WriteLine(JsonSerializer.Serialize(new { Model = Path.GetFullPath(settings.Model), Split = split.Name, Count = split.Count, Accuracy = accuracy }, CliJson.Options));
        else
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Accuracy on '{split.Name}' ({split.Count} images): {accuracy:P2}"));
        return 0;
    }
}
