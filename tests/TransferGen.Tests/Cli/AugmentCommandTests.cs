using System.Text.Json;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Cli;

[Collection(nameof(TransferGen.Tests.Transfer.SerialTorchTests))]   // real-only must equal a plain finetune: no other test may touch the global torch RNG or thread count meanwhile
public class AugmentCommandTests
{
    // The budget of both fine-tunes, shared with the plain finetune that must reproduce the real-only figure.
    static readonly string[] FineTune = ["--labels-per-class", "6", "--backbone", "resnet18", "--from-scratch", "--image-size", "16",
        "--epochs", "1", "--probe-epochs", "1", "--min-steps", "0", "--batch-size", "8"];

    static readonly string[] Gan = ["--gan-steps", "3", "--gan-batch-size", "4", "--synthetic-per-class", "4"];

    [Fact]
    public void Augment_compares_real_only_with_real_plus_generated_and_its_real_only_run_is_a_plain_finetune()
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp);
        var outDir = temp["augment"];
        var result = CliRunner.Run(["augment", "--data", data, .. FineTune, .. Gan, "--seeds", "1", "--out", outDir, "--json"]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var run = json.RootElement.GetProperty("runs")[0];
        var realOnly = run.GetProperty("real_only").GetDouble();
        Assert.InRange(realOnly, 0, 1);
        Assert.InRange(run.GetProperty("augmented").GetDouble(), 0, 1);
        Assert.Equal(8, run.GetProperty("generated_kept").GetInt32());   // 4 per class, 2 classes
        // The same budget: the augmented run trains in epochs of the real images' size, so it takes as many steps.
        Assert.Equal(run.GetProperty("real_only_steps").GetInt64(), run.GetProperty("augmented_steps").GetInt64());
        foreach (var file in new[] { "results.json", "results.md", "seed-0/samples.png", "seed-0/gan/model.pt", "seed-0/real-only/model.pt", "seed-0/augmented/model.pt" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        Assert.Contains("| **mean ± std (1 seed)** |", File.ReadAllText(Path.Combine(outDir, "results.md")));
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "seed-0", "augmented", "config.json"))))
        {
            Assert.True(config.RootElement.GetProperty("extra_train_count").GetInt32() > 0);
            Assert.Equal(run.GetProperty("real_train_images").GetInt32(), config.RootElement.GetProperty("epoch_images").GetInt32());
        }

        // The same options and seed through `finetune` give the same test accuracy.
        var plain = CliRunner.Run(["finetune", "--data", data, .. FineTune, "--seed", "0", "--out", temp["plain"], "--json"]);
        Assert.True(plain.ExitCode == 0, plain.StdErr);
        using (var plainJson = JsonDocument.Parse(plain.StdOut))
            Assert.Equal(realOnly, plainJson.RootElement.GetProperty("test_accuracy").GetDouble());

        // A second run into the same folder is refused; --resume keeps the finished seed and runs nothing again.
        var again = CliRunner.Run(["augment", "--data", data, .. FineTune, .. Gan, "--seeds", "1", "--out", outDir]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.StdErr);
        var resumed = CliRunner.Run(["augment", "--data", data, .. FineTune, .. Gan, "--seeds", "1", "--resume", outDir, "--json"]);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        using var resumedJson = JsonDocument.Parse(resumed.StdOut);
        Assert.Equal(realOnly, resumedJson.RootElement.GetProperty("runs")[0].GetProperty("real_only").GetDouble());

        // --resume alone is told to repeat the options, and which they were.
        var bare = CliRunner.Run(["augment", "--resume", outDir]);
        Assert.Equal(2, bare.ExitCode);
        Assert.Contains("give them again", bare.StdErr);
        Assert.Contains("--gan-steps 3", bare.StdErr);

        // Results from before the equal-step budget (no "equal_steps" in their options) are not mixed with new seeds.
        var results = Path.Combine(outDir, "results.json");
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(results))!;
        Assert.True(node["options"]!.AsObject().Remove("equal_steps"));
        File.WriteAllText(results, node.ToJsonString());
        var old = CliRunner.Run(["augment", "--data", data, .. FineTune, .. Gan, "--seeds", "2", "--resume", outDir]);
        Assert.Equal(2, old.ExitCode);
        Assert.Contains("steps", old.StdErr);
        Assert.DoesNotContain("   at ", old.StdErr);
    }

    [Fact]
    public void With_gan_unlabelled_the_gan_also_learns_from_pseudo_labelled_images_through_a_feature_discriminator_and_the_real_only_run_is_unchanged()
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp, perClass: 16);
        var plain = CliRunner.Run(["finetune", "--data", data, .. FineTune, "--seed", "0", "--out", temp["plain"], "--json"]);
        Assert.True(plain.ExitCode == 0, plain.StdErr);
        var outDir = temp["augment"];
        var result = CliRunner.Run(["augment", "--data", data, .. FineTune, .. Gan, "--gan-unlabelled", "1000",
            "--gan-d-backbone", "resnet18-imagenet", "--seeds", "1", "--out", outDir, "--json"]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var run = json.RootElement.GetProperty("runs")[0];
        // Every training image outside the 6 labelled per class: fewer than asked for, more than none.
        var pseudo = run.GetProperty("pseudo_labelled").GetInt32();
        Assert.InRange(pseudo, 1, 2 * 16 - 12);
        Assert.InRange(run.GetProperty("pseudo_label_accuracy").GetDouble(), 0, 1);
        Assert.Contains("pseudo-labels right", File.ReadAllText(Path.Combine(outDir, "results.md")));
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "seed-0", "gan", "config.json"))))
        {
            var options = config.RootElement.GetProperty("options");
            Assert.Contains("pseudo-labelled", options.GetProperty("data").GetString());
            Assert.Equal("resnet18-imagenet", options.GetProperty("model").GetProperty("projected").GetProperty("d_backbone").GetString());
            Assert.Equal(1.0, options.GetProperty("step").GetProperty("mode_seeking_weight").GetDouble());   // the default with a feature discriminator
            Assert.Equal("hinge", options.GetProperty("step").GetProperty("loss").GetString());
        }
        Assert.Contains("pretrained-feature discriminator on resnet18-imagenet", File.ReadAllText(Path.Combine(outDir, "results.md")));
        using var plainJson = JsonDocument.Parse(plain.StdOut);
        Assert.Equal(plainJson.RootElement.GetProperty("test_accuracy").GetDouble(), run.GetProperty("real_only").GetDouble());
    }

    [Theory]
    [InlineData("--gan-unlabelled", "0", "--gan-unlabelled")]
    [InlineData("--gan-d-backbone", "nosuchnet", "--gan-d-backbone")]
    [InlineData("--gan-mode-seeking", "-1", "--gan-mode-seeking")]
    [InlineData("--synthetic-ratio", "1", "--synthetic-ratio")]
    [InlineData("--seeds", "0", "--seeds")]
    [InlineData("--min-confidence", "1.5", "--min-confidence")]
    public void Bad_options_are_one_sentence_and_exit_2(string option, string value, string named)
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp);
        var result = CliRunner.Run(["augment", "--data", data, .. FineTune, .. Gan, option, value, "--out", temp["augment"]]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.StdErr);
        Assert.False(Directory.Exists(temp["augment"]));
    }

    [Fact]
    public void Without_labels_per_class_it_says_so()
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp);
        var result = CliRunner.Run("augment", "--data", data, "--backbone", "resnet18", "--out", temp["augment"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--labels-per-class is required", result.StdErr);
    }
}
