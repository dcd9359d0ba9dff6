using TransferGen.Training;
using System.Text.Json;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Cli;

/// <summary>
/// A run killed with SIGKILL in the middle of an epoch continues with --resume from its last checkpoint: a fine-tune
/// ends with the same figures as an uninterrupted run of the same seed, a GAN run ends with a complete run folder. Ctrl-C
/// (SIGINT) stops a run after the current batch with exit code 130 and a mid-epoch checkpoint that --resume finishes.
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
        var checkpoint = Path.Combine(killed, "checkpoint.pt");
        Assert.True(CliRunner.RunAndKill(() => File.Exists(checkpoint), [.. options, "--out", killed]), "the run finished before it could be killed");
        Assert.True(Checkpoint.Open(checkpoint)!.State.EpochsCompleted < 3, "the killed run had already finished");
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
        var checkpoint = Path.Combine(run, "checkpoint.pt");
        Assert.True(CliRunner.RunAndKill(() => File.Exists(checkpoint), options), "the run finished before it could be killed");
        Assert.False(File.Exists(Path.Combine(run, "samples", "epoch-003.png")), "the killed run had already finished");

        var resumed = CliRunner.Run("gan", "train", "--resume", run);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Equal(3, History(run).Count);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        foreach (var file in new[] { "config.json", "metrics.json", "checkpoint.pt", "model.pt", "curves.png", Path.Combine("samples", "epoch-003.png") })
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        var sample = CliRunner.Run("gan", "sample", "--model", run, "-n", "4", "--out", temp["grid.png"]);
        Assert.True(sample.ExitCode == 0, sample.StdErr);
        Assert.Empty(Directory.GetFiles(run, "*.tmp*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Finetune_stopped_by_ctrl_c_exits_130_and_resumes_to_the_uninterrupted_result()
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp, perClass: 24);
        string[] options = ["finetune", "--data", data, "--backbone", "resnet18", "--from-scratch", "--freeze", "none", "--min-steps", "0", "--image-size", "16",
            "--epochs", "3", "--batch-size", "4", "--seed", "3"];
        var straight = temp["straight"];
        var stopped = temp["stopped"];
        var uninterrupted = CliRunner.Run([.. options, "--out", straight]);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.StdErr);

        // Interrupted once the first epoch's checkpoint is there, i.e. during the second epoch.
        var checkpoint = Path.Combine(stopped, Checkpoint.FileName);
        var interrupted = CliRunner.RunAndInterrupt(() => File.Exists(checkpoint), [.. options, "--out", stopped]);
        Assert.NotNull(interrupted);
        Assert.True(interrupted.ExitCode == 130, $"exit {interrupted.ExitCode}: {interrupted.StdErr}");
        var last = interrupted.StdErr.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("interrupted: stopped in epoch ", last);
        Assert.Contains("--resume", last);
        var state = Checkpoint.Open(checkpoint)!.State;
        Assert.True(state.EpochsCompleted < 3, "the interrupted run had already finished");

        var resumed = CliRunner.Run("finetune", "--resume", stopped);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        var a = History(straight);
        var b = History(stopped);
        Assert.Equal(3, b.Count);
        foreach (var (x, y) in a.Zip(b))
            foreach (var key in new[] { "train_loss", "train_accuracy", "val_loss", "val_accuracy" })
                Assert.True(Math.Abs(x[key] - y[key]) < 1e-4, $"{key}: uninterrupted {x[key]} vs interrupted and resumed {y[key]} (stopped after batch {state.BatchesDone})");
        Assert.Equal(3, File.ReadAllLines(Path.Combine(stopped, "metrics.jsonl")).Length);
    }

    [Fact]
    public void Gan_train_stopped_by_ctrl_c_exits_130_and_resumes_to_the_uninterrupted_result()
    {
        using var temp = new TempFolder();
        string[] options = ["gan", "train", "--data", "fashion-mnist", "--arch", "dcgan", "--max-images", "256", "--batch-size", "16",
            "--epochs", "3", "--seed", "2"];
        var straight = temp["straight"];
        var stopped = temp["stopped"];
        var uninterrupted = CliRunner.Run([.. options, "--out", straight]);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.StdErr);

        var checkpoint = Path.Combine(stopped, Checkpoint.FileName);
        var interrupted = CliRunner.RunAndInterrupt(() => File.Exists(checkpoint), [.. options, "--out", stopped]);
        Assert.NotNull(interrupted);
        Assert.True(interrupted.ExitCode == 130, $"exit {interrupted.ExitCode}: {interrupted.StdErr}");
        Assert.StartsWith("interrupted: stopped in epoch ", interrupted.StdErr.TrimEnd().Split('\n')[^1]);

        var resumed = CliRunner.Run("gan", "train", "--resume", stopped);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        var a = History(straight);
        var b = History(stopped);
        Assert.Equal(3, b.Count);
        foreach (var (x, y) in a.Zip(b))
            foreach (var key in new[] { "train_d_loss", "train_g_loss", "train_d_real", "train_d_fake" })
                Assert.True(Math.Abs(x[key] - y[key]) < 1e-4, $"{key}: uninterrupted {x[key]} vs interrupted and resumed {y[key]}");
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(stopped, "config.json")));
        Assert.Equal("gan", sample.RootElement.GetProperty("kind").GetString());
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
