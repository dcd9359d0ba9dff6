using System.Text.Json;
using TransferGen.Tests.Data;
using TransferGen.Transfer;

namespace TransferGen.Tests.Cli;

/// <summary>`pretrain`, then `finetune --backbone RUN` on it, through the real program.</summary>
public class PretrainCommandTests
{
    static readonly string[] Small = ["--image-size", "16", "--epochs", "1", "--batch-size", "8", "--min-steps", "0"];

    static CliRunner.Result Run(params string[] args) => CliRunner.Run([.. args, .. Small]);

    [Fact]
    public void Pretrain_then_finetune_on_the_run_then_evaluate_and_predict()
    {
        using var temp = new TempFolder();
        var source = TransferCommandTests.StripeFolder(temp);
        var target = TransferCommandTests.StripeFolder(temp, "target", ["rows", "columns"]);
        var pretrained = temp["pretrained"];
        var pretrain = Run("pretrain", "--data", source, "--arch", "resnet18", "--out", pretrained, "--json");
        Assert.True(pretrain.ExitCode == 0, pretrain.StdErr);
        foreach (var file in new[] { "config.json", "model.pt", "checkpoint.pt", "metrics.json", "curves.png" })
            Assert.True(File.Exists(Path.Combine(pretrained, file)), file);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(pretrained, "config.json"))))
        {
            Assert.Equal("pretrain", config.RootElement.GetProperty("kind").GetString());
            Assert.Equal("scratch", config.RootElement.GetProperty("weights").GetString());
            Assert.Equal("none", config.RootElement.GetProperty("options").GetProperty("freeze").GetProperty("kind").GetString());
        }

        // --freeze all trains only the new head: the run's backbone is the pretrained one, weight for weight.
        var tuned = temp["tuned"];
        var finetune = Run("finetune", "--data", target, "--backbone", pretrained, "--freeze", "all", "--out", tuned, "--json");
        Assert.True(finetune.ExitCode == 0, finetune.StdErr);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(tuned, "config.json"))))
            Assert.Equal(Path.GetFullPath(pretrained), config.RootElement.GetProperty("backbone").GetString());
        using (var before = ImageClassifier.Load(pretrained))
        using (var after = ImageClassifier.Load(tuned))
        {
            var expected = before.Network.Backbone.state_dict();
            var actual = after.Network.Backbone.state_dict();
            Assert.Equal(expected.Count, actual.Count);
            foreach (var (key, tensor) in expected)
                Assert.True(tensor.allclose(actual[key], rtol: 0, atol: 0), $"{key} is not the pretrained weight");
            Assert.Equal(["columns", "rows"], after.Classes);
        }

        var evaluate = CliRunner.Run("evaluate", "--model", tuned, "--data", target, "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.StdErr);
        using (var json = JsonDocument.Parse(evaluate.StdOut))
            Assert.InRange(json.RootElement.GetProperty("accuracy").GetDouble(), 0, 1);
        var predict = CliRunner.Run("predict", "--model", tuned, Path.Combine(target, "columns", "2.png"), "--json");
        Assert.True(predict.ExitCode == 0, predict.StdErr);
        using (var json = JsonDocument.Parse(predict.StdOut))
            Assert.Contains(json.RootElement.GetProperty("predictions")[0].GetProperty("top")[0].GetProperty("class").GetString(), new[] { "rows", "columns" });

        // The joint objective on the same backbone: the source loss is logged and recorded, and the run resumes.
        var joint = temp["joint"];
        var jointRun = Run("finetune", "--data", target, "--backbone", pretrained, "--source", source, "--lambda", "0.5", "--freeze", "none",
            "--out", joint, "--json");
        Assert.True(jointRun.ExitCode == 0, jointRun.StdErr);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(joint, "metrics.json"))))
            Assert.True(metrics.RootElement.GetProperty("final").GetProperty("train_source_loss").GetDouble() > 0);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(joint, "config.json"))))
        {
            Assert.Equal(source, config.RootElement.GetProperty("source").GetString());
            Assert.Equal(0.5, config.RootElement.GetProperty("options").GetProperty("source_lambda").GetDouble());
        }
        var resume = CliRunner.Run("finetune", "--resume", joint, "--json");
        Assert.True(resume.ExitCode == 0, resume.StdErr);

        var listing = CliRunner.Run("backbones");
        Assert.Contains("--backbone RUN", listing.StdOut);
    }

    [Fact]
    public void Unusable_backbone_runs_and_options_are_one_sentence_and_exit_code_2()
    {
        using var temp = new TempFolder();
        var empty = temp.Folder("empty");
        var unfinished = temp.Folder("unfinished");
        File.WriteAllText(Path.Combine(unfinished, "config.json"), "{\"backbone\": \"resnet18\"}");
        string[][] cases =
        [
            ["finetune", "--data", "fashion-mnist", "--backbone", empty, "--out", temp["run"]],
            ["finetune", "--data", "fashion-mnist", "--backbone", unfinished, "--out", temp["run"]],
            ["finetune", "--data", "fashion-mnist", "--backbone", temp["missing"] + "/", "--out", temp["run"]],
            ["pretrain", "--data", "fashion-mnist", "--out", temp["run"]],
            ["pretrain", "--data", "fashion-mnist", "--arch", "nope", "--out", temp["run"]],
            ["pretrain", "--data", "fashion-mnist", "--arch", empty, "--out", temp["run"]],
            ["finetune", "--data", "fashion-mnist", "--backbone", "resnet18", "--from-scratch", "--lambda", "0.5", "--out", temp["run"]],
            ["finetune", "--data", "fashion-mnist", "--backbone", "resnet18", "--from-scratch", "--source", "fashion-mnist", "--lambda", "-1", "--out", temp["run"]],
        ];
        foreach (var args in cases)
        {
            var result = CliRunner.Run(args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)}: exit {result.ExitCode}, {result.StdErr}");
            Assert.StartsWith("error: ", result.StdErr);
            Assert.Single(result.StdErr.Trim().Split('\n'));
        }
        Assert.False(Directory.Exists(temp["run"]));
    }
}
