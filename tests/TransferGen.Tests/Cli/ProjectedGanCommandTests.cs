using System.Text.Json;
using TransferGen.Cli;
using TransferGen.Tests.Data;
using TransferGen.Training;
using static TransferGen.Tests.Cli.InProcessCli;

namespace TransferGen.Tests.Cli;

/// <summary>`gan train --d-backbone`: the real ImageNet ResNet18 end to end, and the refusals of bad input.</summary>
public class ProjectedGanCommandTests
{
    static readonly Dictionary<string, string> Embedded = new() { ["TRANSFERGEN_FASHION_MNIST_DIR"] = "/nonexistent-transfergen-test" };

    static List<Dictionary<string, double>> History(string run)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        return json.RootElement.GetProperty("history").EnumerateArray()
            .Select(e => e.EnumerateObject().Where(p => p.Name.StartsWith("train_", StringComparison.Ordinal)).ToDictionary(p => p.Name, p => p.Value.GetDouble()))
            .ToList();
    }

    [Fact]
    public void A_run_on_resnet18_imagenet_killed_mid_run_resumes_bit_exactly_and_evaluates()
    {
        using var temp = new TempFolder();
        string[] options = ["gan", "train", "--data", "fashion-mnist", "--d-backbone", "resnet18-imagenet", "--d-resolution", "32",
            "--max-images", "128", "--batch-size", "16", "--epochs", "3", "--seed", "2"];
        var straight = temp["straight"];
        var uninterrupted = CliRunner.Run(Embedded, [.. options, "--out", straight]);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.StdErr);

        var killed = temp["killed"];
        Assert.True(CliRunner.RunAndKill(Embedded, () => File.Exists(Path.Combine(killed, Checkpoint.FileName)), [.. options, "--out", killed]),
            "the run finished before it could be killed");
        Assert.False(File.Exists(Path.Combine(killed, "samples", "epoch-003.png")), "the killed run had already finished");
        var resumed = CliRunner.Run(Embedded, "gan", "train", "--resume", killed);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);

        Assert.Equal(History(straight), History(killed));   // every figure, bit for bit
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "model.pt")), File.ReadAllBytes(Path.Combine(killed, "model.pt")));
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(killed, "config.json"))))
        {
            var o = config.RootElement.GetProperty("options");
            Assert.Equal("hinge", o.GetProperty("step").GetProperty("loss").GetString());
            Assert.Equal("diff", o.GetProperty("augmentation").GetString());
            Assert.Equal(1.0, o.GetProperty("step").GetProperty("mode_seeking_weight").GetDouble());
            var projected = o.GetProperty("model").GetProperty("projected");
            Assert.Equal("registry", projected.GetProperty("weights").GetString());
            Assert.Equal(32, projected.GetProperty("d_resolution").GetInt32());
        }
        // The frozen ResNet18 is rebuilt from the registry, not stored: the checkpoint holds the heads only.
        Assert.True(new FileInfo(Path.Combine(killed, Checkpoint.FileName)).Length < 40_000_000);

        var evaluate = CliRunner.Run(Embedded, "gan", "evaluate", "--model", killed, "--data", "fashion-mnist", "-n", "16", "--features", "pixels", "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.StdErr);
        using var scores = JsonDocument.Parse(evaluate.StdOut);
        Assert.True(double.IsFinite(scores.RootElement.GetProperty("fid").GetDouble()));

        // A GAN run folder has no classifier backbone to look through.
        var notClassifier = CliRunner.Run(Embedded, "gan", "train", "--data", "fashion-mnist", "--d-backbone", killed, "--out", temp["bad"], "--dry-run");
        Assert.Equal(CliApp.BadInput, notClassifier.ExitCode);
        Assert.Contains("not the run folder of `transfergen pretrain` or `finetune`", notClassifier.StdErr);
        Assert.Single(notClassifier.StdErr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("Unknown backbone 'resnet99' for --d-backbone (known: resnet18-imagenet", "--d-backbone", "resnet99")]
    [InlineData("--d-resolution must be a multiple of 32 for backbone 'resnet18-imagenet' (got 48).", "--d-backbone", "resnet18-imagenet", "--d-resolution", "48")]
    [InlineData("Backbone 'resnet18-imagenet' has no stage 'layer9' for --d-stages", "--d-backbone", "resnet18-imagenet", "--d-stages", "layer1,layer9")]
    [InlineData("--d-stages must list stages in forward order", "--d-backbone", "resnet18-imagenet", "--d-stages", "layer2,layer1")]
    [InlineData("--d-resolution (32) is smaller than the 64-px images", "--d-backbone", "resnet18-imagenet", "--d-resolution", "32", "--image-size", "64")]
    [InlineData("give them with --d-backbone", "--d-resolution", "64")]
    [InlineData("conditions by projection only; leave out --conditioning", "--arch", "cdcgan", "--conditioning", "acgan", "--d-backbone", "resnet18-imagenet")]
    [InlineData("Backbone 'vgg16' has no built-in weights", "--d-backbone", "vgg16")]
    public void Bad_d_backbone_input_is_one_sentence_and_exit_code_2(string expected, params string[] args)
    {
        using var temp = new TempFolder();
        var failure = App().RunAndCatch<InputException>(["gan", "train", "--data", "fashion-mnist", "--out", temp["run"], "--dry-run", .. args]);
        var (message, code) = CliApp.Classify(failure.Exception);
        Assert.Equal(CliApp.BadInput, code);
        Assert.Contains(expected, message);
        Assert.DoesNotContain('\n', message);
        Assert.False(Directory.Exists(temp["run"]) && File.Exists(Path.Combine(temp["run"], "config.json")), "a refused run wrote a config");
    }

    [Fact]
    public void Bench_gan_step_times_dcgan_beside_a_pretrained_feature_discriminator()
    {
        var result = CliRunner.Run(Embedded, "bench", "gan-step", "--quick", "--candidates", "32:layer1,layer2", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var rows = json.RootElement.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal(["dcgan", "resnet18-imagenet@32 layer1,layer2"], rows.Select(r => r.GetProperty("discriminator").GetString()));
        Assert.All(rows, r => Assert.True(r.GetProperty("median_s").GetDouble() > 0));
    }
}
