using System.Text.Json;
using TransferGen.Tests.Data;
using TransferGen.Training;

namespace TransferGen.Tests.Cli;

/// <summary>
/// A run killed with SIGKILL in the middle of an epoch continues with --resume from its last checkpoint; Ctrl-C (SIGINT)
/// stops a run after the current batch with exit code 130, one sentence and a mid-epoch checkpoint. Either way the
/// resumed run ends with the figures of an uninterrupted run of the same seed and a complete run folder.
/// </summary>
public sealed class KillResumeTests
{
    static readonly string[] FinetuneFigures = ["train_loss", "train_accuracy", "val_loss", "val_accuracy"];
    static readonly string[] GanFigures = ["train_d_loss", "train_g_loss", "train_d_real", "train_d_fake"];

    [Fact]
    public void Finetune_killed_or_stopped_by_ctrl_c_mid_epoch_resumes_to_the_uninterrupted_result()
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp, perClass: 24);
        string[] options = ["finetune", "--data", data, "--backbone", "resnet18", "--from-scratch", "--freeze", "none", "--min-steps", "0", "--image-size", "16",
            "--epochs", "3", "--batch-size", "4", "--seed", "3"];
        var straight = temp["straight"];
        var uninterrupted = CliRunner.Run([.. options, "--out", straight]);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.StdErr);

        // Killed as soon as the first epoch's checkpoint is there, i.e. early in the second epoch.
        var killed = temp["killed"];
        Assert.True(CliRunner.RunAndKill(() => File.Exists(Path.Combine(killed, Checkpoint.FileName)), [.. options, "--out", killed]),
            "the run finished before it could be killed");
        Assert.True(Checkpoint.Open(Path.Combine(killed, Checkpoint.FileName))!.State.EpochsCompleted < 3, "the killed run had already finished");
        Resume(killed, "finetune", "--resume", killed);
        AssertSameHistory(straight, killed, FinetuneFigures);
        Assert.Empty(Directory.GetFiles(killed, "*.tmp", SearchOption.AllDirectories));

        // Ctrl-C at the same moment: the checkpoint is written after the current batch, so the resume repeats nothing.
        var stopped = temp["stopped"];
        var state = Interrupt(stopped, [.. options, "--out", stopped]);
        Resume(stopped, "finetune", "--resume", stopped);
        AssertSameHistory(straight, stopped, FinetuneFigures, $"stopped after batch {state.BatchesDone} of epoch {state.EpochsCompleted + 1}");
    }

    [Fact]
    public void Gan_train_killed_or_stopped_by_ctrl_c_mid_epoch_resumes_to_a_complete_run_folder()
    {
        using var temp = new TempFolder();
        string[] options = ["gan", "train", "--data", "fashion-mnist", "--arch", "dcgan", "--max-images", "256", "--batch-size", "16",
            "--epochs", "3", "--seed", "2"];
        var straight = temp["straight"];
        var uninterrupted = CliRunner.Run([.. options, "--out", straight]);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.StdErr);

        var killed = temp["killed"];
        Assert.True(CliRunner.RunAndKill(() => File.Exists(Path.Combine(killed, Checkpoint.FileName)), [.. options, "--out", killed]),
            "the run finished before it could be killed");
        Assert.False(File.Exists(Path.Combine(killed, "samples", "epoch-003.png")), "the killed run had already finished");
        Resume(killed, "gan", "train", "--resume", killed);
        AssertSameHistory(straight, killed, GanFigures);
        foreach (var file in new[] { "config.json", "metrics.json", Checkpoint.FileName, "model.pt", "curves.png", Path.Combine("samples", "epoch-003.png") })
            Assert.True(File.Exists(Path.Combine(killed, file)), file);
        var sample = CliRunner.Run("gan", "sample", "--model", killed, "-n", "4", "--out", temp["grid.png"]);
        Assert.True(sample.ExitCode == 0, sample.StdErr);
        Assert.Empty(Directory.GetFiles(killed, "*.tmp*", SearchOption.AllDirectories));

        // SIGTERM (a service manager's stop) behaves as Ctrl-C but for the exit code, 143.
        var stopped = temp["stopped"];
        Interrupt(stopped, [.. options, "--out", stopped], CliRunner.SigTerm);
        Resume(stopped, "gan", "train", "--resume", stopped);
        AssertSameHistory(straight, stopped, GanFigures);
    }

    /// <summary>
    /// Sends Ctrl-C (or <paramref name="signal"/>) once <paramref name="run"/> has its first checkpoint; checks the exit
    /// code (130, or 143 for SIGTERM) and the one sentence naming the resume command; returns the checkpoint's state.
    /// </summary>
    static CheckpointState Interrupt(string run, string[] args, int signal = CliRunner.SigInt)
    {
        var checkpoint = Path.Combine(run, Checkpoint.FileName);
        var interrupted = CliRunner.RunAndInterrupt(() => File.Exists(checkpoint), args, signal);
        Assert.NotNull(interrupted);
        var expected = signal == CliRunner.SigTerm ? 143 : 130;
        Assert.True(interrupted.ExitCode == expected, $"exit {interrupted.ExitCode}: {interrupted.StdErr}");
        var last = interrupted.StdErr.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("interrupted: stopped in epoch ", last);
        Assert.Contains($"--resume {run}` continues from there", last);
        var state = Checkpoint.Open(checkpoint)!.State;
        Assert.True(state.EpochsCompleted < 3, "the interrupted run had already finished");
        return state;
    }

    static void Resume(string run, params string[] args)
    {
        var resumed = CliRunner.Run(args);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
    }

    static void AssertSameHistory(string straight, string resumed, string[] figures, string note = "")
    {
        var a = History(straight);
        var b = History(resumed);
        Assert.Equal(a.Count, b.Count);
        foreach (var (x, y) in a.Zip(b))
            foreach (var key in figures)
                Assert.True(Math.Abs(x[key] - y[key]) < 1e-4, $"{key}: uninterrupted {x[key]} vs resumed {y[key]} in {Path.GetFileName(resumed)} {note}");
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
