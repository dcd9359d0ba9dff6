using System.Text.Json;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Cli;

public class BenchGanCommandTests
{
    [Fact]
    public void Quick_bench_gan_scores_every_epoch_and_writes_its_files()
    {
        using var empty = new TempFolder();
        using var output = new TempFolder();
        var result = CliRunner.Run(new Dictionary<string, string> { ["TRANSFERGEN_FASHION_MNIST_DIR"] = empty.Path },
            "bench", "gan", "--quick", "--json", "--out", output.Path);

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        Assert.StartsWith("pixels", root.GetProperty("features").GetString());
        Assert.True(root.GetProperty("floor").GetProperty("fid").GetDouble() >= 0);
        var runs = root.GetProperty("runs");
        Assert.Equal(["dcgan", "cdcgan"], runs.EnumerateArray().Select(r => r.GetProperty("arch").GetString()));
        foreach (var run in runs.EnumerateArray())
        {
            var epochs = run.GetProperty("epochs").EnumerateArray().ToList();
            Assert.Equal([0, 1], epochs.Select(e => e.GetProperty("epoch").GetInt32()));
            Assert.All(epochs, e => Assert.True(double.IsFinite(e.GetProperty("fid").GetDouble()) && e.GetProperty("fid").GetDouble() >= 0));
        }
        foreach (var file in new[] { "results.json", "results.md", "fid.png", "dcgan-final.png", "cdcgan-final.png" })
            Assert.True(File.Exists(Path.Combine(output.Path, file)), file);
    }

    [Fact]
    public void An_unknown_architecture_is_exit_code_2()
    {
        using var output = new TempFolder();
        var result = CliRunner.Run("bench", "gan", "--quick", "--archs", "dcgan,stylegan", "--out", output.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("stylegan", result.StdErr);
    }

    [Fact]
    public void Resume_keeps_the_finished_scores_and_adds_epochs_with_the_same_options_only()
    {
        using var empty = new TempFolder();
        using var output = new TempFolder();
        var env = new Dictionary<string, string> { ["TRANSFERGEN_FASHION_MNIST_DIR"] = empty.Path };
        string[] quick = ["bench", "gan", "--quick", "--archs", "dcgan", "--batch-size", "8", "--json", "--out", output.Path];
        var first = CliRunner.Run(env, quick);
        Assert.True(first.ExitCode == 0, first.StdErr);
        double Fid(JsonElement root, int epoch) => root.GetProperty("runs")[0].GetProperty("epochs")[epoch].GetProperty("fid").GetDouble();
        using var firstJson = JsonDocument.Parse(first.StdOut);
        Assert.Equal(8, firstJson.RootElement.GetProperty("options").GetProperty("batch_size").GetInt32());

        var again = CliRunner.Run(env, quick);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.StdErr);

        var resumed = CliRunner.Run(env, [.. quick, "--resume", "--epochs", "2"]);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        using var resumedJson = JsonDocument.Parse(resumed.StdOut);
        var epochs = resumedJson.RootElement.GetProperty("runs")[0].GetProperty("epochs").EnumerateArray().Select(e => e.GetProperty("epoch").GetInt32());
        Assert.Equal([0, 1, 2], epochs);
        Assert.Equal(Fid(firstJson.RootElement, 1), Fid(resumedJson.RootElement, 1));

        var other = CliRunner.Run(env, [.. quick, "--resume", "--epochs", "2", "--max-images", "32"]);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("other options", other.StdErr);
        var fewer = CliRunner.Run(env, [.. quick, "--resume", "--epochs", "1"]);
        Assert.Equal(2, fewer.ExitCode);
        Assert.Contains("not remove", fewer.StdErr);
    }
}
