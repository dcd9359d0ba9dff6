using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Imaging;
using TransferGen.Transfer;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen predict`: the most likely classes of image files under a fine-tuned model.</summary>
public sealed class PredictCommand : Command<PredictCommand.Settings>
{
    /// <summary>Options of `predict`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>The run folder.</summary>
        [CommandOption("--model <RUN>")]
        [Description("Run folder written by `transfergen finetune`.")]
        public string? Model { get; init; }

        /// <summary>Image files.</summary>
        [CommandArgument(0, "<FILE>")]
        [Description("Image files (PNG, JPEG, ...); resized and normalised exactly as in training.")]
        public string[] Files { get; init; } = [];

        /// <summary>How many classes to show per image.</summary>
        [CommandOption("--top <K>")]
        [DefaultValue(3)]
        [Description("Classes to show per image.")]
        public int Top { get; init; } = 3;

        /// <summary>The pixel limit of the image files.</summary>
        [CommandOption("--max-image-pixels <N>")]
        [Description("Refuse image files whose header claims more than N pixels (width × height). Default 100000000, at most 500000000.")]
        [DefaultValue(ImageCodec.DefaultMaxPixels)]
        public long MaxImagePixels { get; init; } = ImageCodec.DefaultMaxPixels;

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout.")]
        public bool Json { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Top < 1 ? ValidationResult.Error("--top must be at least 1.") : base.Validate();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Model is null) throw new InputException("--model RUN is required.");
        using var model = ImageClassifier.Load(settings.Model);
        model.MaxImagePixels = settings.MaxImagePixels;
        var predictions = model.Predict(settings.Files, settings.Top);

        if (settings.Json)
        {
            var json = new
            {
                Model = Path.GetFullPath(settings.Model),
                Predictions = predictions.Select(p => new
                {
                    File = p.Source,
                    Top = p.Top.Select(t => new { t.Class, t.Probability }),
                }),
            };
            Console.Out.WriteLine(JsonSerializer.Serialize(json, CliJson.Options));
            return 0;
        }
        var table = new Table().AddColumns("file", "class", "probability");
        foreach (var (file, top) in predictions)
            for (var j = 0; j < top.Count; j++)
                table.AddRow(j == 0 ? Markup.Escape(file) : "", Markup.Escape(top[j].Class), top[j].Probability.ToString("P1", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        return 0;
    }
}
