using TransferGen.Benchmarks.Gan;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Benchmarks;

/// <summary>`bench gan-transfer` end to end on a tiny IDX dataset of 10 classes with pixel features, then its resume.</summary>
public sealed class GanTransferBenchTests
{
    static GanTransferBenchOptions Tiny(string data) => new()
    {
        Data = data, Methods = ["scratch", "transfer-freezed"], Seeds = [0], Steps = 4, EvalEvery = 2, SourceEpochs = 1,
        TargetPerClass = 4, BatchSize = 8, GeneratedCount = 16, RealCount = 20, Features = TransferGen.Scoring.FeatureExtractors.Pixels,
        KidSubsets = 3, FreezeD = 1,
    };

    [Fact]
    public void Every_method_is_scored_every_eval_and_a_resume_keeps_the_figures()
    {
        using var temp = new TempFolder();
        var data = temp.Folder("data");
        var labels = Enumerable.Range(0, 100).Select(i => (byte)(i % 10)).ToArray();
        TestFiles.WriteIdxPair(data, "train", TestFiles.Pattern(100, 28 * 28), 100, 28, 28, labels, gzip: false);
        TestFiles.WriteIdxPair(data, "t10k", TestFiles.Pattern(100, 28 * 28, salt: 5), 100, 28, 28, labels, gzip: false);
        var options = Tiny(data);
        var outDir = temp["bench"];

        var report = GanTransferBenchmark.Run(options, outDir, "test", resume: false, saved: r => GanTransferBenchFiles.Save(outDir, r));
        Assert.Equal(2, report.Runs.Count);
        Assert.All(report.Runs, r => Assert.Equal([2, 4], r.Scores.Select(s => s.Step)));
        Assert.All(report.Runs, r => Assert.All(r.Scores, s => Assert.True(double.IsFinite(s.Fid) && s.Fid >= 0)));
        Assert.True(File.Exists(Path.Combine(outDir, "fid.png")));
        Assert.True(File.Exists(Path.Combine(outDir, "transfer-freezed-final.png")));
        var md = File.ReadAllText(Path.Combine(outDir, "results.md"));
        Assert.Contains("| transfer-freezed |", md);
        Assert.Contains("1/1", md);
        // The transferred run started from the benchmark's source run.
        Assert.Contains("initialized_from", File.ReadAllText(Path.Combine(outDir, "runs", "transfer-freezed-seed0", "config.json")));

        Assert.Throws<InputException>(() => GanTransferBenchFiles.Check(outDir, resume: false, options));
        Assert.Throws<InputException>(() => GanTransferBenchFiles.Check(outDir, resume: true, options with { Steps = 6 }));
        var resumed = GanTransferBenchmark.Run(options, outDir, "test", resume: true, saved: r => GanTransferBenchFiles.Save(outDir, r));
        Assert.Equal(report.Runs.SelectMany(r => r.Scores), resumed.Runs.SelectMany(r => r.Scores));

        // A resume may add a method (or a seed): the old runs stay as they were, the new one is trained and reported.
        var extended = GanTransferBenchmark.Run(options with { Methods = ["diffaug"] }, outDir, "test", resume: true,
            saved: r => GanTransferBenchFiles.Save(outDir, r));
        Assert.Equal(["scratch", "transfer-freezed", "diffaug"], extended.Options.Methods);
        Assert.Equal(report.Runs.SelectMany(r => r.Scores), extended.Runs.Take(2).SelectMany(r => r.Scores));
        Assert.Equal([2, 4], extended.Runs[2].Scores.Select(s => s.Step));
        Assert.Contains("| diffaug |", File.ReadAllText(Path.Combine(outDir, "results.md")));

        // The runs a resume names go first: diffaug's seed 1 before the report's other unfinished seed-1 runs.
        var started = new List<string>();
        var seeded = GanTransferBenchmark.Run(options with { Methods = ["diffaug"], Seeds = [0, 1] }, outDir, "test", resume: true,
            progress: line => { if (line.Contains(": steps 1–", StringComparison.Ordinal)) started.Add(line[..line.IndexOf(':')]); });
        Assert.Equal(["diffaug, seed 1", "scratch, seed 1", "transfer-freezed, seed 1"], started);
        Assert.Equal(6, seeded.Runs.Count);
    }

    [Fact]
    public void The_projected_method_trains_against_resnet18_with_hinge_loss_and_diffaugment()
    {
        var config = GanTransferMethods.Apply("projected", new TransferGen.Generation.GanTrainingConfig(), "source", 2);
        Assert.Equal("resnet18-imagenet", config.Model.Projected!.DBackbone);
        Assert.Equal(TransferGen.Generation.GanLossKind.Hinge, config.Step.Loss);
        Assert.Equal("diff", config.Augmentation);
        Assert.Null(config.InitFrom);
    }

    [Fact]
    public void Every_method_has_a_description_and_transfer_diffaug_combines_init_with_diffaugment()
    {
        foreach (var method in GanTransferMethods.Names) Assert.False(string.IsNullOrWhiteSpace(GanTransferMethods.Describe(method, 2)));
        var config = GanTransferMethods.Apply("transfer-diffaug", new TransferGen.Generation.GanTrainingConfig(), "source", 2);
        Assert.Equal("source", config.InitFrom);
        Assert.Equal("diff", config.Augmentation);
        Assert.Equal(0, config.FreezeD);
        Assert.False(config.Ada);
    }

    [Fact]
    public void Unknown_methods_and_overlapping_classes_are_refused()
    {
        using var temp = new TempFolder();
        Assert.Throws<InputException>(() => GanTransferBenchmark.Run(new GanTransferBenchOptions { Methods = ["magic"] }, temp["a"], "", false));
        Assert.Throws<InputException>(() => GanTransferBenchmark.Run(new GanTransferBenchOptions { SourceClasses = ["5"] }, temp["b"], "", false));
    }
}
