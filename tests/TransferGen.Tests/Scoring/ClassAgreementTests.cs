using System.Text.Json;
using TransferGen.Generation;
using TransferGen.Scoring;
using TransferGen.Tests.Cli;
using TransferGen.Tests.Data;
using TransferGen.Transfer;

namespace TransferGen.Tests.Scoring;

/// <summary>Runs shared by the class-agreement tests: a tiny conditional GAN, an unconditional one and two classifiers.</summary>
public sealed class ClassAgreementRuns : IDisposable
{
    static readonly Dictionary<string, string> Embedded = new() { ["TRANSFERGEN_FASHION_MNIST_DIR"] = "/nonexistent-transfergen-test" };
    readonly TempFolder _temp = new();

    /// <summary>Runs the real program on the embedded Fashion-MNIST sample.</summary>
    public static CliRunner.Result Run(params string[] args) => CliRunner.Run(Embedded, args);

    /// <summary>A one-step cdcgan on Fashion-MNIST's ten classes.</summary>
    public string Conditional { get; }

    /// <summary>A one-step dcgan.</summary>
    public string Unconditional { get; }

    /// <summary>A classifier of the ten Fashion-MNIST classes.</summary>
    public string Fashion { get; }

    /// <summary>A classifier of two stripe classes, which the GAN never draws.</summary>
    public string Stripes { get; }

    /// <summary>Trains the four runs.</summary>
    public ClassAgreementRuns()
    {
        Conditional = Train("gan", "train", "--data", "fashion-mnist", "--arch", "cdcgan", "--dry-run", "--out", _temp["cdcgan"]);
        Unconditional = Train("gan", "train", "--data", "fashion-mnist", "--arch", "dcgan", "--dry-run", "--out", _temp["dcgan"]);
        Fashion = Train("finetune", "--data", "fashion-mnist", "--backbone", "resnet18", "--from-scratch", "--image-size", "16",
            "--epochs", "1", "--probe-epochs", "1", "--min-steps", "0", "--labels-per-class", "2", "--out", _temp["fashion"]);
        Stripes = Train("finetune", "--data", TransferCommandTests.StripeFolder(_temp), "--backbone", "resnet18", "--from-scratch",
            "--image-size", "16", "--epochs", "1", "--probe-epochs", "1", "--min-steps", "0", "--batch-size", "8", "--out", _temp["stripes-clf"]);
    }

    static string Train(params string[] args)
    {
        var result = Run(args);
        Assert.True(result.ExitCode == 0, result.StdErr);
        return args[Array.IndexOf(args, "--out") + 1];
    }

    /// <inheritdoc />
    public void Dispose() => _temp.Dispose();
}

/// <summary>`gan evaluate --classifier`: how often a real-data classifier agrees with the class a conditional GAN was asked for.</summary>
public sealed class ClassAgreementTests(ClassAgreementRuns runs) : IClassFixture<ClassAgreementRuns>
{
    [Fact]
    public void Every_class_is_judged_and_the_counts_add_up()
    {
        using var generator = ImageGenerator.Load(runs.Conditional);
        using var classifier = ImageClassifier.Load(runs.Fashion);
        var report = ClassAgreement.Measure(generator, classifier, perClass: 7, seed: 3);

        Assert.Equal(generator.Classes, report.PerClass.Select(r => r.Class));
        Assert.All(report.PerClass, r => Assert.Equal(7, r.Total));
        Assert.All(report.PerClass, r => Assert.InRange(r.Agreed, 0, 7));
        Assert.All(report.PerClass, r => Assert.Contains(r.MostPredicted, classifier.Classes));
        Assert.Equal(report.PerClass.Sum(r => r.Agreed) / 70.0, report.Agreement, 12);
        Assert.Equal(0.1, report.Chance, 12);
        Assert.Equal(runs.Fashion, report.Classifier);
    }

    [Fact]
    public void The_same_seed_gives_the_same_report()
    {
        using var generator = ImageGenerator.Load(runs.Conditional);
        using var classifier = ImageClassifier.Load(runs.Fashion);
        var a = ClassAgreement.Measure(generator, classifier, perClass: 300, seed: 1);   // two batches per class
        var b = ClassAgreement.Measure(generator, classifier, perClass: 300, seed: 1);
        Assert.Equal(a.PerClass, b.PerClass);
        Assert.All(a.PerClass, r => Assert.Equal(300, r.Total));
    }

    [Fact]
    public void Gan_evaluate_reports_the_agreement_as_json()
    {
        var result = ClassAgreementRuns.Run("gan", "evaluate", "--model", runs.Conditional, "--data", "fashion-mnist", "--features", "pixels",
            "-n", "20", "--kid-subsets", "2", "--classifier", runs.Fashion, "--per-class", "4", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var agreement = json.RootElement.GetProperty("class_agreement");
        var rows = agreement.GetProperty("per_class").EnumerateArray().ToList();
        Assert.Equal(10, rows.Count);
        Assert.Equal("T-shirt/top", rows[0].GetProperty("class").GetString());
        Assert.All(rows, r => Assert.Equal(4, r.GetProperty("total").GetInt32()));
        Assert.Equal(rows.Sum(r => r.GetProperty("agreed").GetInt32()) / 40.0, agreement.GetProperty("agreement").GetDouble(), 12);
        Assert.Equal(0.1, agreement.GetProperty("chance").GetDouble(), 12);
        Assert.True(json.RootElement.TryGetProperty("fid", out _), "the FID keys stay at the top level");
        Assert.InRange(json.RootElement.GetProperty("precision").GetDouble(), 0, 1);
        Assert.InRange(json.RootElement.GetProperty("recall").GetDouble(), 0, 1);
        Assert.Equal("b", json.RootElement.GetProperty("pr_reference").GetString());   // the real test images
        Assert.Equal("b", json.RootElement.GetProperty("real_floor").GetProperty("pr_reference").GetString());
    }

    [Fact]
    public void Gan_evaluate_prints_one_line_per_class_for_a_person()
    {
        var result = ClassAgreementRuns.Run("gan", "evaluate", "--model", runs.Conditional, "--data", "fashion-mnist", "--features", "pixels",
            "-n", "20", "--kid-subsets", "2", "--classifier", runs.Fashion, "--per-class", "2");
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("class agreement with", result.StdOut);
        Assert.Contains("(chance 10.0 %)", result.StdOut);
        Assert.Contains(result.StdOut.Split('\n'), line => line.TrimStart().StartsWith("Ankle boot", StringComparison.Ordinal) && line.Contains("/2 ="));
    }

    [Theory]
    [InlineData("unconditional", "unconditional; class agreement needs a class-conditional GAN")]
    [InlineData("stripes", "has no class 'T-shirt/top'")]
    [InlineData("missing", "/nonexistent/classifier-run")]
    [InlineData("per-class", "--per-class must be at least 1")]
    public void A_classifier_that_cannot_judge_the_generator_is_one_sentence_and_exit_2(string case_, string expected)
    {
        var model = case_ == "unconditional" ? runs.Unconditional : runs.Conditional;
        var classifier = case_ switch { "stripes" => runs.Stripes, "missing" => "/nonexistent/classifier-run", _ => runs.Fashion };
        var perClass = case_ == "per-class" ? "0" : "2";
        var result = ClassAgreementRuns.Run("gan", "evaluate", "--model", model, "--data", "fashion-mnist", "--features", "pixels",
            "-n", "20", "--kid-subsets", "2", "--classifier", classifier, "--per-class", perClass);
        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.Contains(expected, error);
        Assert.DoesNotContain("classifying", result.StdErr);
    }
}
