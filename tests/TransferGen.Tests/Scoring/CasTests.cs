using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Scoring;
using TransferGen.Transfer;

namespace TransferGen.Tests.Scoring;

/// <summary>`gan evaluate --cas`: a classifier trained on generated images only, tested on real ones, beside one trained on real images.</summary>
[Collection(nameof(TransferGen.Tests.Transfer.SerialTorchTests))]   // the reference must equal a plain fine-tune bit for bit: no other test may touch the global torch RNG or thread count meanwhile
public sealed class CasTests(ClassAgreementRuns runs) : IClassFixture<ClassAgreementRuns>
{
    static readonly FineTuneOptions Fast = new()
    {
        Backbone = "resnet18", FromScratch = true, ImageSize = 16, Epochs = 1, ProbeEpochs = 1, BatchSize = 16, Augment = false,
    };

    // Fashion-MNIST cut down to 10 training and 30 test images per class, so the three fine-tunes take seconds.
    static ImageDataset Small()
    {
        var data = DatasetResolver.Load("fashion-mnist");
        return new ImageDataset(data.Format, data.Source, data.Classes,
            [Subsampling.PerClass(data["train"], 10, 0), Subsampling.PerClass(data["test"], 30, 0).Subset([.. Enumerable.Range(0, 300)], "test")]);
    }

    [Fact]
    public void Cas_and_its_real_reference_are_test_accuracies_of_two_fine_tunes()
    {
        using var generator = ImageGenerator.Load(runs.Conditional);
        var data = Small();
        var report = ClassificationAccuracyScore.Measure(generator, data, perClass: 4, Fast, seed: 2);
        Assert.InRange(report.Cas, 0, 1);
        Assert.InRange(report.RealAccuracy, 0, 1);
        Assert.Equal(data["test"].Count, report.TestCount);
        Assert.Equal("resnet18", report.Backbone);
        // The real reference is exactly a plain fine-tune on that many labels per class with the same options and seed.
        var plain = new FineTuner(Fast with { Seed = 2, LabelsPerClass = 4 }).Run(data);
        using (plain.Model) Assert.Equal(plain.TestAccuracy, report.RealAccuracy);
    }

    [Fact]
    public void An_unconditional_generator_is_refused_before_any_work()
    {
        var result = ClassAgreementRuns.Run("gan", "evaluate", "--model", runs.Unconditional, "--data", "fashion-mnist", "--cas", "-n", "20", "--features", "pixels");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("CAS needs a class-conditional GAN", result.StdErr);
        Assert.DoesNotContain("fine-tuning", result.StdErr);
    }

    [Fact]
    public void Classes_that_differ_from_the_data_are_refused()
    {
        using var generator = ImageGenerator.Load(runs.Conditional);
        var data = DatasetResolver.Load("fashion-mnist", new DatasetOptions { Classes = ["Trouser", "Bag"] });
        var e = Assert.Throws<InputException>(() => ClassificationAccuracyScore.Check(generator, data));
        Assert.Contains("same classes in the same order", e.Message);
    }
}
