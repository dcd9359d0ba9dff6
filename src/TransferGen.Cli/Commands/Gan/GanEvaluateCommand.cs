using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Data;
using TransferGen.Cli.Progress;
using TransferGen.Generation;
using TransferGen.Scoring;
using TransferGen.Transfer;

namespace TransferGen.Cli.Commands.Gan;

/// <summary>`transfergen gan evaluate`: FID/KID of a run's EMA generator against real test images, with the real floor.</summary>
public sealed class GanEvaluateCommand : Command<GanEvaluateCommand.Settings>
{
    /// <summary>Options of `gan evaluate`.</summary>
    public sealed class Settings : ScoreSettings
    {
        /// <summary>Run folder.</summary>
        [CommandOption("--model <RUN>")]
        [Description("A run folder written by `gan train`.")]
        public string Model { get; init; } = "";

        /// <summary>Real data.</summary>
        [CommandOption("--data <D>")]
        [Description("The real data (its test split is the reference; train vs test gives the floor).")]
        public string Data { get; init; } = "";

        /// <summary>Count.</summary>
        [CommandOption("-n|--count <N>")]
        [Description("Images per side (capped by the test split's size). Default 1000.")]
        [DefaultValue(1000)]
        public int N { get; init; } = 1000;

        /// <summary>A classifier run for class agreement.</summary>
        [CommandOption("--classifier <RUN>")]
        [Description("Also classify --per-class generated images of every class with this `finetune` run and report how often it agrees with the requested class (conditional models).")]
        public string? Classifier { get; init; }

        /// <summary>Images per class for --classifier.</summary>
        [CommandOption("--per-class <N>")]
        [Description("Generated images per class that --classifier judges. Default 100.")]
        [DefaultValue(100)]
        public int PerClass { get; init; } = 100;

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            PerClass < 1 ? ValidationResult.Error("--per-class must be at least 1.")
            : string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("Pass --model RUN (a `gan train` run folder).")
            : string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("Pass --data (the real dataset).")
            : N < 2 ? ValidationResult.Error("-n must be at least 2.")
            : base.Validate();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var network = FeatureExtractors.Resolve(s.Features);
        using var generator = ImageGenerator.Load(s.Model);
        var info = generator.Info;
        var epochs = GanModelFiles.EpochsTrained(s.Model);
        var classes = DataSettings.ClassList(s.Classes) ?? RunClasses(s);
        var dataset = CliDatasets.Load(s.Data, new DatasetOptions { Seed = s.Seed, MaxImagePixels = s.MaxImagePixels, Classes = classes });
        using var classifier = s.Classifier is null ? null : ImageClassifier.Load(s.Classifier);
        if (classifier is not null) ClassAgreement.Check(generator, classifier, s.Classifier);
        var agreement = classifier is null ? null : ActivityProgress.ForStderr(s.Json).Run(
            $"classifying {s.PerClass} generated images of each of {info.Classes.Count} classes with {s.Classifier}",
            () => ClassAgreement.Measure(generator, classifier, s.PerClass, s.Seed, s.Classifier));
        var report = ActivityProgress.ForStderr(s.Json).Run(
            $"extracting features for FID/KID: up to {s.N} each of generated, real test and real train images ({network.Name}, {network.InputSize}×{network.InputSize})",
            () => GanEvaluation.Evaluate(generator.Network, s.Model, dataset, s.Data, network, s.N, s.Seed, s.KidSubsets, s.FeatureCache()));
        if (s.Json)
        {
            // The generated-vs-real figures at the top level (same keys as `fid --json`), the floor beside them.
            var json = ScoreReport.Json(report.Generated);
            json["epochs_trained"] = epochs;
            json["real_floor"] = ScoreReport.Json(report.Floor);
            if (agreement is not null) json["class_agreement"] = ClassAgreementReportText.Json(agreement);
            Console.WriteLine(JsonSerializer.Serialize(json, CliJson.Options));
            return 0;
        }
        Console.WriteLine($"{s.Model}: {info.Arch}, {epochs} epoch(s), EMA generator.");
        foreach (var line in ScoreReport.Human("generated vs real test", report.Generated)) Console.WriteLine(line);
        foreach (var line in ScoreReport.Human("floor: real train vs real test", report.Floor)) Console.WriteLine(line);
        if (agreement is not null)
            foreach (var line in ClassAgreementReportText.Human(agreement)) Console.WriteLine(line);
        Console.WriteLine(ImageSetScores.Caveat);
        return 0;
    }

    /// <summary>The classes the run trained on, when --data names the run's dataset (so its FID is against those classes).</summary>
    static IReadOnlyList<string>? RunClasses(Settings s)
    {
        var options = GanRunConfig.Read(new Training.RunFolder(s.Model)).Options;
        if (options.Classes is not { } classes || !CliDatasets.SameSpec(options.Data, s.Data)) return null;
        CliConsole.Status($"Scoring against the run's classes: {string.Join(", ", classes)} (--classes chooses others).", s.Json);
        return classes;
    }
}
