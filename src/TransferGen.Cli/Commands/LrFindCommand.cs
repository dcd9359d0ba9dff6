using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console.Cli;
using TransferGen.Cli.Progress;
using TransferGen.Data;
using TransferGen.Reports;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen lr-find`: the learning-rate range test of the fine-tune the same options would run.</summary>
public sealed class LrFindCommand : Command<LrFindCommand.Settings>
{
    /// <summary>What `transfergen lr-find --help` explains under the command's one-line summary.</summary>
    public const string Details =
        "Smith's range test (fastai's lr_find): trains --steps mini-batches with the head rate growing exponentially from "
        + "--min-lr to --max-lr (backbone groups keep --backbone-lr-factor of it), stops when the smoothed loss (EMA 0.98, "
        + "bias-corrected) exceeds 4x its minimum or is not finite, and suggests the rate 2/3 along the longest fall of the "
        + "smoothed loss (also reported: the minimum-loss rate / 10). --freeze auto or gradual: tests the phase that trains the "
        + "whole backbone, starting from the head that the probe (cached features, trained at --lr) gives it, as finetune "
        + "would; until:STAGE, none: as given; all: the head on cached features. Pass the suggestion to finetune as --lr. "
        + "Writes lr-find.png and lr-find.json into --out (a new or empty folder, or an earlier lr-find with --overwrite); keeps no model.";

    /// <summary>Options of `lr-find`: every model, data and optimiser option of finetune, plus the range.</summary>
    public sealed class Settings : FineTuneCommand.Settings
    {
        /// <summary>First head rate.</summary>
        [CommandOption("--min-lr <RATE>")]
        [Description("Head learning rate of the first step.")]
        [DefaultValue(1e-7)]
        public double MinLr { get; init; } = 1e-7;

        /// <summary>Last head rate.</summary>
        [CommandOption("--max-lr <RATE>")]
        [Description("Head learning rate of the last step (reached unless the loss diverges first).")]
        [DefaultValue(10.0)]
        public double MaxLr { get; init; } = 10;

        /// <summary>Mini-batches to train.</summary>
        [CommandOption("--steps <N>")]
        [Description("Mini-batches to train, the rate growing exponentially from --min-lr to --max-lr (at least 5).")]
        [DefaultValue(100)]
        public int Steps { get; init; } = 100;

        /// <summary>The range these settings describe.</summary>
        public LrFindOptions ToLrFindOptions() => new() { MinLr = MinLr, MaxLr = MaxLr, Steps = Steps };
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Resume is not null) throw new InputException("--resume belongs to finetune; lr-find always starts from the weights finetune starts from.");
        if (settings.Data is null) throw new InputException("--data is required.");
        var options = settings.ToFineTuneOptions();
        options.Validate();
        var range = settings.ToLrFindOptions();
        range.Validate();
        BackboneResolver.Get(options.Backbone);
        var output = settings.Out ?? "lr-find";
        new RunFolder(output).CheckNew(LearningRateFinder.RunKind, settings.Overwrite);   // before the test runs: a refusal comes at once
        var dataset = CliDatasets.Load(settings.Data, settings.ToOptions());

        if (options.Freeze.Kind is FreezeKind.Auto or FreezeKind.Gradual)
            Console.Error.WriteLine("Training the head on cached features first (the probe that finetune runs before the fine-tune phase).");
        LrFindResult result;
        using (var progress = RunProgress.ForStderr(settings.Json))
        {
            var finder = new LearningRateFinder(options, range)
            {
                StepDone = new RangeTestProgress(progress, options.BatchSize).Step,
                ProbeCallbacks = { new ProgressCallback(progress, ProgressFormat.Classifier) },
            };
            result = finder.Run(dataset, cancellationToken);
        }
        var (json, png) = LearningRateFinder.Save(result, output, settings.Data, settings.Overwrite, ClassSelection.Recorded(dataset));
        Report(result, settings, Path.GetFullPath(json), Path.GetFullPath(png));
        return 0;
    }

    static void Report(LrFindResult result, Settings settings, string json, string png)
    {
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                result.SuggestedLr,
                result.SuggestionRule,
                result.MinLossLr,
                result.LrAtMinLoss,
                result.Phase,
                StepsRun = result.Lrs.Count,
                StoppedEarly = result.StopReason,
                Plot = png,
                Curve = json,
                result.Lrs,
                result.Losses,
                result.Smoothed,
            }, CliJson.Options));
            return;
        }
        var rate = LrFindPlot.Rate(result.SuggestedLr);
        var rule = result.SuggestionRule == "valley" ? "2/3 along the longest fall of the smoothed loss" : "the loss never fell: minimum-loss rate / 10";
        if (result.StopReason is { } reason)
            Console.Out.WriteLine($"Stopped after {result.Lrs.Count} of {result.Range.Steps} steps: {reason}.");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Suggested learning rate {rate} ({rule}, phase {result.Phase}); minimum-loss rate / 10: {LrFindPlot.Rate(result.MinLossLr)}."));
        Console.Out.WriteLine($"Use it: transfergen finetune --data {settings.Data} --backbone {settings.Backbone} --lr {rate} (with the other options given here)");
        Console.Out.WriteLine($"Plot {png}, curve {json}.");
    }
}
