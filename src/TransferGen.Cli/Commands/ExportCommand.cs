using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Deploy;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen export`: a trained classifier or generator as an ONNX file for ONNX Runtime and ML.NET.</summary>
public sealed class ExportCommand : Command<ExportCommand.Settings>
{
    /// <summary>What the help shows beyond the one-line description (Spectre markup: no square brackets).</summary>
    public const string Details =
        "A classifier's file takes float32 pixels 0..255, N×C×H×W at any size (RGB, or gray for gray data), resizes them as transfergen does and gives "
        + "softmax probabilities, with everything the run does after resizing inside the graph; the class names are in its metadata "
        + "('classes'). A generator's file takes z, N×nz (and int64 class indices for cdcgan) and gives images with pixel values 0..1. "
        + "Opset 17; the batch size is free. The file must be new, in a folder that exists.";

    /// <summary>Options of `export`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>The run folder.</summary>
        [CommandOption("--model <RUN>")]
        [Description("Run folder of `finetune`, `pretrain` or `gan train`.")]
        public string? Model { get; init; }

        /// <summary>The file to write.</summary>
        [CommandOption("--out <FILE>")]
        [Description("The .onnx file to write (a new file in an existing folder).")]
        public string? Out { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Model is null) throw new InputException("--model RUN is required.");
        if (settings.Out is null) throw new InputException("--out FILE is required (the .onnx file to write).");
        var result = OnnxExporter.Run(settings.Model, settings.Out);
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                result.Path,
                result.Kind,
                result.Contract,
                result.Nodes,
                result.Bytes,
                result.Metadata,
            }, CliJson.Options));
            return 0;
        }
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote the {result.Kind} [bold]{Markup.Escape(result.Path)}[/] ({result.Nodes} nodes, {result.Bytes / 1e6:F1} MB, opset 17)."));
        AnsiConsole.WriteLine(result.Contract);
        return 0;
    }
}
