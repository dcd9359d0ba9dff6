using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Cli.Progress;
using TransferGen.Quickstart;
using TransferGen.Reports;
using TransferGen.Scoring;

namespace TransferGen.Cli.Commands;

/// <summary>
/// `transfergen quickstart`: pretrained against from scratch on few labels, a small conditional GAN, its scores and a
/// GAN-augmented fine-tune, with report.html; no arguments needed.
/// </summary>
public sealed class QuickstartCommand : Command<QuickstartCommand.Settings>
{
    /// <summary>Options of `quickstart`; every one has a default sized for about six minutes on two cores.</summary>
    public sealed class Settings : CommonSettings
    {
        static readonly QuickstartOptions D = new();

        /// <summary>Output folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Folder for the runs, quickstart.json and report.html (new or empty, or an earlier quickstart with --overwrite).")]
        [DefaultValue("runs/quickstart")]
        public string Out { get; init; } = "runs/quickstart";

        /// <summary>Replace an earlier quickstart.</summary>
        [CommandOption("--overwrite")]
        [Description("Run again into a folder an earlier quickstart wrote (only the files TransferGen wrote are replaced).")]
        public bool Overwrite { get; init; }

        /// <summary>Data.</summary>
        [CommandOption("--data <D>")]
        [Description("Labelled data with a test split: fashion-mnist (the full set when the Debian package dataset-fashion-mnist is installed, else the embedded sample), another builtin or a folder.")]
        [DefaultValue("fashion-mnist")]
        public string Data { get; init; } = D.Data;

        /// <summary>Labels per class.</summary>
        [CommandOption("--labels-per-class <K>")]
        [Description("Labelled images per class that both classifiers and the GAN learn from.")]
        [DefaultValue(10)]
        public int LabelsPerClass { get; init; } = D.LabelsPerClass;

        /// <summary>Image size.</summary>
        [CommandOption("--image-size <N>")]
        [Description("Image side the classifiers see.")]
        [DefaultValue(64)]
        public int ImageSize { get; init; } = D.ImageSize;

        /// <summary>Batch size.</summary>
        [CommandOption("--batch-size <N>")]
        [Description("Images per fine-tune step.")]
        [DefaultValue(32)]
        public int BatchSize { get; init; } = D.BatchSize;

        /// <summary>Minimum steps.</summary>
        [CommandOption("--min-steps <N>")]
        [Description("Optimiser steps per fine-tune phase at least.")]
        [DefaultValue(100)]
        public int MinSteps { get; init; } = D.MinSteps;

        /// <summary>Test images per class.</summary>
        [CommandOption("--test-per-class <N>")]
        [Description("Test images per class every classifier is scored on.")]
        [DefaultValue(200)]
        public int TestPerClass { get; init; } = D.TestPerClass;

        /// <summary>GAN steps.</summary>
        [CommandOption("--gan-steps <S>")]
        [Description("Steps of the conditional GAN.")]
        [DefaultValue(500)]
        public int GanSteps { get; init; } = D.GanSteps;

        /// <summary>GAN batch.</summary>
        [CommandOption("--gan-batch-size <N>")]
        [Description("Images per GAN step.")]
        [DefaultValue(32)]
        public int GanBatchSize { get; init; } = D.GanBatchSize;

        /// <summary>Images per class for class agreement.</summary>
        [CommandOption("--agreement-per-class <N>")]
        [Description("Generated images per class the pretrained classifier judges for class agreement.")]
        [DefaultValue(100)]
        public int AgreementPerClass { get; init; } = D.AgreementPerClass;

        /// <summary>Images per side for the GAN's scores.</summary>
        [CommandOption("-n|--count <N>")]
        [Description("Images per side for FID, KID, precision and recall (capped by the test split).")]
        [DefaultValue(1000)]
        public int ScoreCount { get; init; } = D.ScoreCount;

        /// <summary>Generated images per class.</summary>
        [CommandOption("--synthetic-per-class <M>")]
        [Description("Generated images per class for the augmented fine-tune.")]
        [DefaultValue(10)]
        public int SyntheticPerClass { get; init; } = D.SyntheticPerClass;

        /// <summary>Device.</summary>
        [CommandOption("--device <DEV>")]
        [Description("cpu, cuda or cuda:N.")]
        [DefaultValue("cpu")]
        public string Device { get; init; } = "cpu";

        /// <summary>Cache bypass.</summary>
        [CommandOption("--no-cache")]
        [Description("Neither read nor write cached features of the real images for FID.")]
        public bool NoCache { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print quickstart.json's object on stdout instead of the summary table.")]
        public bool Json { get; init; }

        /// <summary>The library options these settings describe.</summary>
        public QuickstartOptions ToOptions() => new()
        {
            Data = Data,
            LabelsPerClass = LabelsPerClass,
            ImageSize = ImageSize,
            BatchSize = BatchSize,
            MinSteps = MinSteps,
            TestPerClass = TestPerClass,
            GanSteps = GanSteps,
            GanBatchSize = GanBatchSize,
            AgreementPerClass = AgreementPerClass,
            ScoreCount = ScoreCount,
            SyntheticPerClass = SyntheticPerClass,
            Device = Devices.Parse(Device),
        };
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var options = s.ToOptions();
        options.Validate();
        var folder = Path.GetFullPath(s.Out);
        QuickstartJob.CheckFolder(folder, s.Overwrite);   // refused at once, before the data loads
        var cache = s.NoCache || FeatureStore.DefaultFolder() is not { } cacheFolder ? null : new FeatureStore(cacheFolder, CliConsole.Warn);
        var log = CliConsole.Error;
        using var progress = RunProgress.ForStderr(s.Json);
        var result = QuickstartJob.Run(folder, options,
            fineTuneCallbacks: _ => [new ProgressCallback(progress, ProgressFormat.Classifier)],
            ganCallbacks: [new ProgressCallback(progress, ProgressFormat.Gan)],
            progress: line => { if (!s.Json) log.WriteLine(line); },
            warn: CliConsole.Warn, cache: cache, overwrite: s.Overwrite, cancellationToken: cancellationToken);
        if (s.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result, CliJson.Options));
            return 0;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("step").AddColumn("result");
        foreach (var (step, text) in QuickstartReport.SummaryRows(result)) table.AddRow(Markup.Escape(step), Markup.Escape(text));
        AnsiConsole.Write(table);
        Console.WriteLine($"Data: {result.DataFormat}. {result.TestImages:N0} test images; {result.Seconds:0} s in all on {result.Machine}.");
        Console.WriteLine($"Report: {Path.Combine(folder, QuickstartJob.ReportFile)} (open it in a browser; everything is embedded).");
        return 0;
    }
}
