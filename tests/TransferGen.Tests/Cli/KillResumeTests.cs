using System.Text.Json;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Cli;

/// <summary>
/// A run killed with SIGKILL in the middle of an epoch continues with --resume from its last checkpoint: a fine-tune
/// ends with the same figures as an uninterrupted run of the same seed, a GAN run ends with a complete run folder.
/// </summary>
public sealed class KillResumeTests
{
    [Fact]
    public void Finetune_killed_mid_epoch_resumes_to_the_same_final_metrics()
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp, perClass: 24);
        string[] options = ["finetune", "--data", data, "--backbone", "resnet18", "--from-scratch", "--freeze", "none", "--min-steps", "0", "--image-size", "16",
            "--epochs", "3", "--batch-size", "4", "--seed", "3"];
        var straight = temp["straight"];
        var killed = temp["killed"];
        var uninterrupted = CliRunner.Run([.. options, "--out", straight]);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.StdErr);

        // Killed as soon as the first epoch's checkpoint is there, i.e. early in the second epoch.
        var checkpoint = Path.Combine(killed, "checkpoint.json");
        Assert.True(CliRunner.RunAndKill(() => File.Exists(checkpoint), [.. options, "--out", killed]), "the run finished before it could be killed");
        using (var state = JsonDocument.Parse(File.ReadAllText(checkpoint)))
            Assert.True(state.RootElement.GetProperty("epochs_completed").GetInt32() < 3, "the killed run had already finished");
        var resumed = CliRunner.Run("finetune", "--resume", killed);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);

        var a = History(straight);
        var b = History(killed);
        Assert.Equal(3, b.Count);
        foreach (var (x, y) in a.Zip(b))
            foreach (var key in new[] { "train_loss", "train_accuracy", "val_loss", "val_accuracy" })
                Assert.True(Math.Abs(x[key] - y[key]) < 1e-4, $"{key}: uninterrupted {x[key]} vs killed and resumed {y[key]}");
        Assert.Equal(3, File.ReadAllLines(Path.Combine(killed, "metrics.jsonl")).Length);
        Assert.Empty(Directory.GetFiles(killed, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Gan_train_killed_mid_epoch_resumes_to_a_complete_run_folder()
    {
        using var temp = new TempFolder();
        var run = temp["gan"];
        string[] options = ["gan", "train", "--data", "fashion-mnist", "--arch", "dcgan", "--max-images", "256", "--batch-size", "16",
            "--epochs", "3", "--seed", "2", "--out", run];
        var checkpoint = Path.Combine(run, "checkpoint.bin");
        Assert.True(CliRunner.RunAndKill(() => File.Exists(checkpoint), options), "the run finished before it could be killed");
        Assert.False(File.Exists(Path.Combine(run, "samples", "epoch-003.png")), "the killed run had already finished");

        var resumed = CliRunner.Run("gan", "train", "--resume", run);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Equal(3, History(run).Count);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        foreach (var file in new[] { "config.json", "metrics.json", "checkpoint.bin", "curves.png", Path.Combine("samples", "epoch-003.png") })
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        var sample = CliRunner.Run("gan", "sample", "--model", run, "-n", "4", "--out", temp["grid.png"]);
        Assert.True(sample.ExitCode == 0, sample.StdErr);
        Assert.Empty(Directory.GetFiles(run, "*.tmp*", SearchOption.AllDirectories));
    }

    static List<Dictionary<string, double>> History(string run)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        return json.RootElement.GetProperty("history").EnumerateArray()
            .Select(e => e.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number)
                .ToDictionary(p => p.Name, p => p.Value.GetDouble()))
            .ToList();
    }
}
