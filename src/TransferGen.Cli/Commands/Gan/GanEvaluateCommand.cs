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

        /// <summary>The Classification Accuracy Score.</summary>
        [CommandOption("--cas")]
        [Description("Also the Classification Accuracy Score: fine-tune --cas-backbone on --per-class generated images per class, test on the real test split, beside the same fine-tune on as many real images (conditional models; minutes).")]
        public bool Cas { get; init; }

        /// <summary>The backbone of the CAS classifiers.</summary>
        [CommandOption("--cas-backbone <B>")]
        [Description("Backbone both CAS classifiers fine-tune (see `transfergen backbones`).")]
        [DefaultValue("resnet18-imagenet")]
        public string CasBackbone { get; init; } = "resnet18-imagenet";

        /// <summary>Images per class for --classifier and --cas.</summary>
        [CommandOption("--per-class <N>")]
        [Description("Generated images per class that --classifier judges and --cas trains on (and real ones for its reference). Default 100.")]
        [DefaultValue(100)]
        public int PerClass { get; init; } = 100;

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            PerClass < 1 ? ValidationResult.Error("--per-class must be at least 1.")
            : Cas && PerClass < 2 ? ValidationResult.Error("--cas needs --per-class of at least 2.")
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
        if (s.Cas) ClassificationAccuracyScore.Check(generator, dataset);
        CasReport? cas = null;
        if (s.Cas)
        {
            using var progress = RunProgress.ForStderr(s.Json);
            CliConsole.Status($"CAS: fine-tuning {s.CasBackbone} on {s.PerClass} generated images per class, then on {s.PerClass} real ones.", s.Json);
            cas = ClassificationAccuracyScore.Measure(generator, dataset, s.PerClass,
                ClassificationAccuracyScore.DefaultOptions with { Backbone = s.CasBackbone }, s.Seed,
                [new ProgressCallback(progress, ProgressFormat.Classifier)], cancellationToken);
        }
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
            if (cas is not null)
                json["cas"] = new Dictionary<string, object?>
                {
                    ["cas"] = cas.Cas, ["real_accuracy"] = cas.RealAccuracy, ["ratio"] = cas.Ratio,
                    ["per_class"] = cas.PerClass, ["test_count"] = cas.TestCount, ["backbone"] = cas.Backbone,
                };
            Console.WriteLine(JsonSerializer.Serialize(json, CliJson.Options));
            return 0;
        }
        Console.WriteLine($"{s.Model}: {info.Arch}, {epochs} epoch(s), EMA generator.");
        foreach (var line in ScoreReport.Human("generated vs real test", report.Generated)) Console.WriteLine(line);
        foreach (var line in ScoreReport.Human("floor: real train vs real test", report.Floor)) Console.WriteLine(line);
        if (agreement is not null)
            foreach (var line in ClassAgreementReportText.Human(agreement)) Console.WriteLine(line);
        if (cas is not null)
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"CAS {cas.Cas:P2}: {cas.Backbone} fine-tuned on {cas.PerClass} generated images per class, tested on {cas.TestCount} real test images; the same fine-tune on {cas.PerClass} real images per class: {cas.RealAccuracy:P2} (CAS / real = {cas.Ratio:0.00})."));
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
