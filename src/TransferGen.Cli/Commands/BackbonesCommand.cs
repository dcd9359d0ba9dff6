using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Models;

namespace TransferGen.Cli.Commands;

/// <summary>
/// `transfergen backbones`: the backbone registry as a table or one JSON object. Run folders, which `--backbone` also
/// takes, are not listed: any finished `pretrain` or `finetune` run is one.
/// </summary>
public sealed class BackbonesCommand : Command<BackbonesCommand.Settings>
{
    /// <summary>Options of `backbones`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>Print one JSON object instead of a table.</summary>
        [CommandOption("--json")]
        [System.ComponentModel.Description("Print exactly one JSON object on stdout instead of a table.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var specs = BackboneRegistry.All;
        if (settings.Json)
        {
            var rows = specs.Select(s => new
            {
                s.Name,
                Features = s.FeatureDim,
                InputSize = s.Preprocessing.NativeSize,
                Weights = s.WeightsDescription,
                Preprocessing = new { Order = s.Preprocessing.Order.ToString().ToLowerInvariant(), s.Preprocessing.PixelScale, s.Preprocessing.Mean, s.Preprocessing.Std },
                Stages = s.Stages.Select(st => st.Name),
                s.Meta.Source,
                s.Meta.Licence,
            });
            Console.Out.WriteLine(JsonSerializer.Serialize(new { Backbones = rows }, CliJson.Options));
            return 0;
        }
        var table = new Table().AddColumns("name", "features", "input size", "weights", "stages", "licence");
        foreach (var s in specs)
            table.AddRow(Markup.Escape(s.Name), s.FeatureDim.ToString(), $"{s.Preprocessing.NativeSize}×{s.Preprocessing.NativeSize}",
                Markup.Escape(s.WeightsDescription), Markup.Escape(string.Join(", ", s.Stages.Select(st => st.Name))), Markup.Escape(s.Meta.Licence));
        AnsiConsole.Write(table);
        Console.Out.WriteLine("A run folder of `transfergen pretrain` or `finetune` is a backbone too: --backbone RUN starts from its trained backbone.");
        return 0;
    }
}
