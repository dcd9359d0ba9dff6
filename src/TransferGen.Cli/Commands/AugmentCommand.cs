using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Benchmarks;
using TransferGen.Benchmarks.Augment;
using TransferGen.Cli.Progress;
using TransferGen.SyntheticData;
using TransferGen.Training;

namespace TransferGen.Cli.Commands;

/// <summary>
/// `transfergen augment`: a fine-tune on K labels per class against the same fine-tune on those images plus images a
/// cDCGAN trained on them generated, over several seeds.
/// </summary>
public sealed class AugmentCommand : Command<AugmentCommand.Settings>
{
    /// <summary>Options of `augment`: every option of `finetune` (the budget of both fine-tunes), and the GAN's.</summary>
    public sealed class Settings : FineTuneCommand.Settings
    {
        /// <summary>Generated images per class.</summary>
        [CommandOption("--synthetic-per-class <M>")]
        [Description("Generated images per class (before --min-confidence keeps fewer).")]
        [DefaultValue(100)]
        public int SyntheticPerClass { get; init; } = 100;

        /// <summary>The share of generated images.</summary>
        [CommandOption("--synthetic-ratio <R>")]
        [Description("Share of generated images in each augmented epoch, between 0 and 1; the smaller side is repeated to reach it.")]
        [DefaultValue(0.5)]
        public double SyntheticRatio { get; init; } = 0.5;

        /// <summary>The seeds.</summary>
        [CommandOption("--seeds <N|LIST>")]
        [Description("A number N runs seeds 0..N-1; a comma list (0,5) names them. Each seed seeds both fine-tunes and the GAN.")]
        [DefaultValue("3")]
        public string Seeds { get; init; } = "3";

        /// <summary>GAN steps.</summary>
        [CommandOption("--gan-steps <S>")]
        [Description("Steps of the cDCGAN on the labelled training images.")]
        [DefaultValue(2000)]
        public int GanSteps { get; init; } = 2000;

        /// <summary>GAN batch.</summary>
        [CommandOption("--gan-batch-size <N>")]
        [Description("Images per GAN step.")]
        [DefaultValue(32)]
        public int GanBatchSize { get; init; } = 32;

        /// <summary>The GAN's augmentation.</summary>
        [CommandOption("--gan-augment <POLICY>")]
        [Description("DiffAugment of the GAN's discriminator: diff (color,translation,cutout), a comma list, or none.")]
        [DefaultValue("diff")]
        public string GanAugment { get; init; } = "diff";

        /// <summary>A GAN to start from.</summary>
        [CommandOption("--gan-init <RUN>")]
        [Description("Start the cDCGAN from this finished GAN run (TransferGAN; `gan train --init`).")]
        public string? GanInit { get; init; }

        /// <summary>The confidence filter.</summary>
        [CommandOption("--min-confidence <TAU>")]
        [Description("Keep only generated images the real-only classifier of the same seed gives the requested class with at least this probability.")]
        public double? MinConfidence { get; init; }

        /// <summary>Pseudo-labelled images for the GAN.</summary>
        [CommandOption("--gan-unlabelled <N>")]
        [Description("Also train the cDCGAN on up to N training images outside the labelled ones, labelled by the real-only classifier of the same seed; the classifiers still see only the labelled images.")]
        public int? GanUnlabelled { get; init; }

        /// <summary>The GAN's pretrained-feature discriminator.</summary>
        [CommandOption("--gan-d-backbone <NAME>")]
        [Description("Give the cDCGAN a pretrained-feature discriminator on this registered backbone's frozen early stages (resnet18-imagenet; `gan train --d-backbone`), with hinge loss. Several times slower a step.")]
        public string? GanDBackbone { get; init; }

        /// <summary>The GAN's mode-seeking weight.</summary>
        [CommandOption("--gan-mode-seeking <LAMBDA>")]
        [Description("Weight of the cDCGAN's mode-seeking term (`gan train --mode-seeking`); 0 leaves it out. Default 0, and 1 with --gan-d-backbone (the best small-data recipe of `bench gan-transfer`).")]
        public double? GanModeSeeking { get; init; }

        /// <summary>The library options these settings describe.</summary>
        public GanAugmentationOptions ToAugmentationOptions() => new()
        {
            FineTune = ToFineTuneOptions(),
            GanSteps = GanSteps,
            GanBatchSize = GanBatchSize,
            GanAugmentation = GanAugment,
            GanInit = GanInit is null ? null : Path.GetFullPath(GanInit),
            SyntheticPerClass = SyntheticPerClass,
            SyntheticRatio = SyntheticRatio,
            MinConfidence = MinConfidence,
            GanUnlabelled = GanUnlabelled,
            GanDBackbone = GanDBackbone,
            GanModeSeeking = GanModeSeeking,
        };

        /// <summary>The seeds --seeds names.</summary>
        public IReadOnlyList<int> SeedList()
        {
            var parts = Seeds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var numbers = new List<int>();
            foreach (var part in parts)
                numbers.Add(int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                    ? n : throw new InputException($"--seeds must be a count or comma-separated whole numbers, got '{Seeds}'."));
            if (numbers.Count == 1)
                return numbers[0] >= 1 ? [.. Enumerable.Range(0, numbers[0])] : throw new InputException("--seeds must be at least 1.");
            if (numbers.Distinct().Count() != numbers.Count) throw new InputException($"--seeds names a seed twice ('{Seeds}').");
            return numbers;
        }
    }

    // A resume repeats the experiment's options (they are compared with the stored ones), so say which they were.
    static string ResumeNeedsOptions(string folder)
    {
        var stored = "";
        try
        {
            var path = AugmentExperiment.ResultsPath(folder);
            if (File.Exists(path) && System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?["command_line"]?.GetValue<string>() is { } line)
                stored = $" It was started as: {line}";
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // The sentence below is still right; the stored command is a convenience.
        }
        return $"--resume continues an experiment with the options it was started with; give them again, --data included, with --resume {folder} in place of --out.{stored}";
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        if (s.Source is not null) throw new InputException("augment does not take --source: the joint objective is not part of the comparison.");
        if (s.Overwrite) throw new InputException("augment never replaces an experiment; continue one with --resume OUT, or choose another --out.");
        var folder = s.Resume ?? s.Out ?? throw new InputException("--out is required: the folder to write the experiment into (or --resume OUT).");
        if (s.Resume is not null && s.Out is not null && Path.GetFullPath(s.Out) != Path.GetFullPath(s.Resume))
            throw new InputException("--resume names the experiment folder to continue; give it without --out.");
        if (s.Data is null && s.Resume is not null) throw new InputException(ResumeNeedsOptions(Path.GetFullPath(s.Resume)));
        if (s.Data is null) throw new InputException("--data is required.");
        if (s.LabelsPerClass is null) throw new InputException("--labels-per-class is required: the GAN and both classifiers learn from that many labelled images per class.");
        var options = s.ToAugmentationOptions();
        options.Validate();
        var seeds = s.SeedList();
        folder = Path.GetFullPath(folder);
        var dataset = CliDatasets.Load(s.Data, s.ToOptions());
        GanAugmentedFineTune.Check(dataset, options);   // a GAN to start from that does not fit fails before any work
        var fresh = new AugmentReport
        {
            Data = s.Data,
            Classes = dataset.Classes,
            TestCount = dataset.HasSplit("test") ? options.FineTune.TestSplit(dataset).Count : 0,
            Options = options,
            Seeds = seeds,
            Machine = BenchmarkEnvironment.Current(),
            CommandLine = "transfergen " + string.Join(' ', context.Arguments),
        };

        var log = CliConsole.Error;
        using var progress = RunProgress.ForStderr(s.Json);
        var report = AugmentExperiment.Run(dataset, fresh, folder, resume: s.Resume is not null,
            fineTuneCallbacks: _ => [new ProgressCallback(progress, ProgressFormat.Classifier)],
            ganCallbacks: [new ProgressCallback(progress, ProgressFormat.Gan)],
            progress: line => { if (!s.Json) log.WriteLine(line); },
            warn: CliConsole.Warn, cancellationToken: cancellationToken);
        if (s.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, CliJson.Options));
            return 0;
        }
        // Plain writes: a markdown table wrapped at the terminal's width would no longer paste.
        Console.Out.WriteLine(AugmentMarkdown.Render(report));
        Console.Out.WriteLine($"Results in {folder} (results.json, results.md; seed-N/ holds each seed's runs and samples.png).");
        return 0;
    }
}
