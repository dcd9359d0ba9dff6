using System.Text.Json;
using TransferGen.Data;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Cli;

/// <summary>`gan train`, `gan sample` end to end through the real program, on the embedded Fashion-MNIST sample.</summary>
public class GanCommandTests
{
    static readonly Dictionary<string, string> Embedded = new() { ["TRANSFERGEN_FASHION_MNIST_DIR"] = "/nonexistent-transfergen-test" };

    static CliRunner.Result Run(params string[] args) => CliRunner.Run(Embedded, args);

    static List<Dictionary<string, double>> History(string run)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        return json.RootElement.GetProperty("history").EnumerateArray()
            .Select(e => e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())).ToList();
    }

    [Fact]
    public void Dry_run_writes_a_complete_run_folder()
    {
        using var temp = new TempFolder();
        var run = temp["run"];
        var result = Run("gan", "train", "--data", "fashion-mnist", "--arch", "dcgan", "--out", run, "--dry-run");

        Assert.True(result.ExitCode == 0, result.StdErr);
        foreach (var file in new[] { "config.json", "metrics.json", "metrics.jsonl", "checkpoint.pt", "samples/latest.png",
                     "samples/epoch-001.png", "model.pt", "curves.png" })
            Assert.True(File.Exists(Path.Combine(run, file)), file + " is missing");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "tensorboard")));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal("gan", config.RootElement.GetProperty("kind").GetString());
        Assert.Equal("dcgan", config.RootElement.GetProperty("options").GetProperty("arch").GetString());
        Assert.True(config.RootElement.GetProperty("options").GetProperty("dry_run").GetBoolean());
        var epoch = Assert.Single(History(run));
        Assert.True(double.IsFinite(epoch["train_d_loss"]) && double.IsFinite(epoch["train_g_loss"]));
        Assert.Contains("epoch 1/1", result.StdErr);
        Assert.Empty(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories));   // atomic writes leave no temporaries
    }

    [Fact]
    public void Resumed_run_continues_the_history_and_matches_a_straight_run()
    {
        using var temp = new TempFolder();
        string[] common = ["--data", "fashion-mnist", "--arch", "cdcgan", "--max-images", "64", "--batch-size", "16", "--seed", "5"];
        var resumed = temp["resumed"];
        var straight = temp["straight"];
        Assert.Equal(0, Run(["gan", "train", .. common, "--out", resumed, "--epochs", "1"]).ExitCode);
        Assert.Single(History(resumed));
        var again = Run("gan", "train", "--resume", resumed, "--epochs", "2");
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Equal(0, Run(["gan", "train", .. common, "--out", straight, "--epochs", "2"]).ExitCode);

        var a = History(resumed);
        var b = History(straight);
        Assert.Equal(2, a.Count);
        foreach (var (x, y) in a.Zip(b))
            foreach (var key in new[] { "train_d_loss", "train_g_loss", "train_d_real", "train_d_fake" })
                Assert.True(Math.Abs(x[key] - y[key]) < 1e-4, $"{key}: resumed {x[key]} vs straight {y[key]}");
        Assert.Equal(2, File.ReadAllLines(Path.Combine(resumed, "metrics.jsonl")).Length);
        Assert.True(File.Exists(Path.Combine(resumed, "samples", "epoch-002.png")));

        // Samples from the conditional model form an ImageFolder with one folder per class.
        var samples = temp["samples"];
        var sample = Run("gan", "sample", "--model", resumed, "-n", "20", "--out", samples);
        Assert.True(sample.ExitCode == 0, sample.StdErr);
        var dataset = DatasetResolver.Load(samples, new DatasetOptions { TestFraction = 0 });
        Assert.Equal(10, dataset.Classes.Count);
        Assert.True(Directory.Exists(Path.Combine(samples, "T-shirt_top")));   // "T-shirt/top" made safe for a folder name ...
        Assert.Equal("T-shirt/top", dataset.Classes[0]);                          // ... and read back by its name, via classes.json
        Assert.Equal(20, dataset.Splits[0].Count);
        Assert.Equal(new ImageShape(1, 32, 32), dataset.Shape);   // 28-px data trains (and samples) at 32 px by default

        var one = Run("gan", "sample", "--model", resumed, "-n", "4", "--out", temp["one"], "--class", "7");
        Assert.Equal(0, one.ExitCode);
        Assert.Equal(["Sneaker"], Directory.GetDirectories(temp["one"]).Select(Path.GetFileName));

        var outOfRange = Run("gan", "sample", "--model", resumed, "-n", "4", "--out", temp["bad"], "--class", "10");
        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Contains("--class 10 is out of range", outOfRange.StdErr);
        Assert.False(Directory.Exists(temp["bad"]));
    }

    [Fact]
    public void Evaluate_reads_the_real_sets_from_the_feature_cache_the_second_time_with_the_same_scores()
    {
        using var temp = new TempFolder();
        var run = temp["run"];
        Assert.Equal(0, Run("gan", "train", "--data", "fashion-mnist", "--arch", "dcgan", "--out", run, "--dry-run").ExitCode);
        string[] evaluate = ["gan", "evaluate", "--model", run, "--data", "fashion-mnist", "-n", "20", "--features", "pixels",
            "--kid-subsets", "2", "--cache-dir", temp["cache"]];

        var first = Run([.. evaluate, "--json"]);
        var second = Run([.. evaluate, "--json"]);
        var human = Run(evaluate);

        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Equal(2, Directory.GetFiles(temp["cache"]).Length);   // real test and real train; generated images are never cached
        using var a = JsonDocument.Parse(first.StdOut);
        using var b = JsonDocument.Parse(second.StdOut);
        foreach (var scores in new[] { (a.RootElement, b.RootElement), (a.RootElement.GetProperty("real_floor"), b.RootElement.GetProperty("real_floor")) })
            Assert.Equal(scores.Item1.GetProperty("fid").GetDouble(), scores.Item2.GetProperty("fid").GetDouble());
        Assert.False(a.RootElement.GetProperty("cached_b").GetBoolean());
        Assert.True(b.RootElement.GetProperty("cached_b").GetBoolean());
        Assert.False(b.RootElement.GetProperty("cached_a").GetBoolean());
        Assert.True(b.RootElement.GetProperty("real_floor").GetProperty("cached_a").GetBoolean());
        Assert.Contains("B: fashion-mnist [test], 20 images, features from cache", human.StdOut);
    }

    [Fact]
    public void Unconditional_sampling_writes_one_folder_and_refuses_class()
    {
        using var temp = new TempFolder();
        var run = temp["run"];
        Assert.Equal(0, Run("gan", "train", "--data", "fashion-mnist", "--arch", "mlp", "--out", run, "--dry-run").ExitCode);

        Assert.Equal(0, Run("gan", "sample", "--model", run, "-n", "5", "--out", temp["gen"]).ExitCode);
        Assert.Equal(["generated"], Directory.GetDirectories(temp["gen"]).Select(Path.GetFileName));
        Assert.Equal(5, Directory.GetFiles(temp["gen/generated"], "*.png").Length);
        Assert.Equal(0, Run("gan", "sample", "--model", run, "-n", "9", "--out", temp["grid.png"]).ExitCode);
        Assert.True(File.Exists(temp["grid.png"]));
        Assert.Equal(0, Run("gan", "sample", "--model", run, "-n", "6", "--out", temp["strip.png"], "--interpolate").ExitCode);
        Assert.True(File.Exists(temp["strip.png"]));

        var withClass = Run("gan", "sample", "--model", run, "-n", "5", "--out", temp["x"], "--class", "1");
        Assert.Equal(2, withClass.ExitCode);
        Assert.Contains("class-conditional", withClass.StdErr);
        var missing = Run("gan", "sample", "--model", temp["nope"], "-n", "5", "--out", temp["x"]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Single(missing.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public void A_gan_run_folder_of_an_older_transfergen_gets_one_sentence()
    {
        using var temp = new TempFolder();
        var old = temp.Folder("old");
        // The layout before run folders had a kind: the options at the top of config.json, the generator under model/.
        File.WriteAllText(Path.Combine(old, "config.json"), """{ "data": "fashion-mnist", "arch": "dcgan", "epochs": 5 }""");
        Directory.CreateDirectory(Path.Combine(old, "model"));
        File.WriteAllText(Path.Combine(old, "checkpoint.bin"), "TransferGen GAN checkpoint v1");
        foreach (var args in new[] { new[] { "gan", "sample", "--model", old, "-n", "4", "--out", temp["x.png"] }, ["gan", "train", "--resume", old] })
        {
            var result = Run(args);
            Assert.Equal(2, result.ExitCode);
            var error = Assert.Single(result.StdErr.Trim().Split('\n'));
            Assert.Contains("older TransferGen", error);
            Assert.Contains(old, error);
        }
    }

    [Fact]
    public void Samples_of_a_conditional_gan_read_back_as_labelled_data_a_classifier_evaluates()
    {
        using var temp = new TempFolder();
        var classifier = Run("finetune", "--data", "fashion-mnist", "--backbone", "resnet18", "--from-scratch", "--image-size", "16",
            "--epochs", "1", "--probe-epochs", "1", "--min-steps", "0", "--labels-per-class", "2", "--out", temp["clf"]);
        Assert.True(classifier.ExitCode == 0, classifier.StdErr);
        var gan = Run("gan", "train", "--data", "fashion-mnist", "--arch", "cdcgan", "--dry-run", "--out", temp["gan"]);
        Assert.True(gan.ExitCode == 0, gan.StdErr);
        var sample = Run("gan", "sample", "--model", temp["gan"], "-n", "40", "--out", temp["samples"]);
        Assert.True(sample.ExitCode == 0, sample.StdErr);
        // "T-shirt/top" cannot be a folder name: the folder is T-shirt_top, and classes.json maps it back, in label order.
        Assert.True(Directory.Exists(Path.Combine(temp["samples"], "T-shirt_top")));

        var evaluate = Run("evaluate", "--model", temp["clf"], "--data", temp["samples"], "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.StdErr);
        using var report = JsonDocument.Parse(evaluate.StdOut);
        var classes = report.RootElement.GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal("T-shirt/top", classes[0]);
        Assert.Equal("Ankle boot", classes[^1]);
    }
}
