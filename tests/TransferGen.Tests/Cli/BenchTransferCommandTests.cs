using System.Text.Json;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Cli;

/// <summary>`transfergen bench transfer` end to end in its quick (smoke) mode; no accuracy level is asserted.</summary>
public class BenchTransferCommandTests
{
    // An empty folder makes the builtin fall back to the embedded sample even where the full dataset is installed.
    static Dictionary<string, string> SampleOnly(TempFolder temp) => new() { ["TRANSFERGEN_FASHION_MNIST_DIR"] = temp.Folder("no-fashion-mnist") };

    [Fact]
    public void Quick_json_has_every_method_with_accuracies_in_range()
    {
        using var temp = new TempFolder();
        var result = CliRunner.Run(SampleOnly(temp), "bench", "transfer", "--quick", "--json");

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() >= 1);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("machine").GetProperty("os").GetString()));
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("date").GetString(), out _));
        Assert.Equal("fashion-mnist", root.GetProperty("dataset").GetString());
        Assert.Equal("resnet18-imagenet", root.GetProperty("backbone").GetString());
        Assert.Equal(32, root.GetProperty("options").GetProperty("image_size").GetInt32());
        var runs = root.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["scratch", "probe", "finetune"], runs.Select(r => r.GetProperty("method").GetString()));
        foreach (var run in runs)
        {
            Assert.Equal(5, run.GetProperty("labels_per_class").GetInt32());
            Assert.InRange(run.GetProperty("test_accuracy").GetDouble(), 0, 1);
            Assert.InRange(run.GetProperty("best_val_accuracy").GetDouble(), 0, 1);
            Assert.True(run.GetProperty("seconds").GetDouble() > 0);
            Assert.True(run.GetProperty("train_count").GetInt32() > 0);
        }
        Assert.Equal(1, root.GetProperty("finetune_minus_scratch").GetArrayLength());
        Assert.Contains("[3/3] K=5 finetune", result.StdErr);   // progress on stderr, not in the JSON
    }

    [Fact]
    public void Out_writes_results_and_runs_and_resume_skips_finished_runs()
    {
        using var temp = new TempFolder();
        var dir = temp["bench"];
        var first = CliRunner.Run(SampleOnly(temp), "bench", "transfer", "--quick", "--methods", "probe", "--out", dir);
        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Contains("probe", first.StdOut);
        foreach (var file in new[] { "results.json", "results.md", "runs/5-probe/model.pt", "runs/5-probe/config.json" })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        Assert.Contains("transfergen bench transfer --quick --methods probe --out", File.ReadAllText(Path.Combine(dir, "results.md")));

        var again = CliRunner.Run(SampleOnly(temp), "bench", "transfer", "--quick", "--methods", "probe", "--out", dir);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.StdErr);

        var resumed = CliRunner.Run(SampleOnly(temp), "bench", "transfer", "--quick", "--methods", "probe", "--out", dir, "--resume", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Contains("kept from results.json", resumed.StdErr);
        using var json = JsonDocument.Parse(resumed.StdOut);
        Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray());
    }

    [Fact]
    public void Resume_continues_a_run_killed_mid_way_from_its_checkpoint_to_the_uninterrupted_result()
    {
        using var temp = new TempFolder();
        string[] quick = ["bench", "transfer", "--quick", "--methods", "finetune"];
        var whole = CliRunner.Run(SampleOnly(temp), [.. quick, "--out", temp["whole"], "--json"]);
        Assert.True(whole.ExitCode == 0, whole.StdErr);

        // Killed once the probe phase is checkpointed, before the fine-tune epoch ends.
        var dir = temp["killed"];
        var checkpoint = Path.Combine(dir, "runs", "5-finetune", "checkpoint.pt");
        Assert.True(CliRunner.RunAndKill(SampleOnly(temp), () => File.Exists(checkpoint), [.. quick, "--out", dir]),
            "the benchmark finished before its first checkpoint");
        var resumed = CliRunner.Run(SampleOnly(temp), [.. quick, "--out", dir, "--resume", "--json"]);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);

        using var wholeJson = JsonDocument.Parse(whole.StdOut);
        using var resumedJson = JsonDocument.Parse(resumed.StdOut);
        var expected = wholeJson.RootElement.GetProperty("runs")[0];
        var actual = resumedJson.RootElement.GetProperty("runs")[0];
        Assert.True(actual.GetProperty("resumed").GetBoolean());
        Assert.False(expected.GetProperty("resumed").GetBoolean());
        Assert.Equal(expected.GetProperty("epochs_run").GetInt32(), actual.GetProperty("epochs_run").GetInt32());
        Assert.Equal(expected.GetProperty("test_accuracy").GetDouble(), actual.GetProperty("test_accuracy").GetDouble(), 4);
    }

    [Theory]
    [InlineData("--methods", "scratch,linear")]
    [InlineData("--labels-per-class", "0")]
    [InlineData("--labels-per-class", "10,lots")]
    [InlineData("--image-size", "48")]
    [InlineData("--resume")]
    public void Bad_input_exits_with_2_and_one_sentence(params string[] args)
    {
        var result = CliRunner.Run(["bench", "transfer", "--quick", .. args]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.StdErr);
    }
}
