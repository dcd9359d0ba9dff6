using TransferGen.IO;
using TransferGen.Tests.Data;
using TransferGen.Training;

namespace TransferGen.Tests.Cli;

/// <summary>
/// Through the real program: an output never replaces a user's file, a run folder takes one process at a time (also
/// after a kill -9 of the one that had it), and what goes wrong with a run folder or an output is one sentence, exit 2.
/// </summary>
public sealed class RunFolderSafetyTests
{
    static readonly Dictionary<string, string> Embedded = new() { ["TRANSFERGEN_FASHION_MNIST_DIR"] = "/nonexistent-transfergen-test" };

    static readonly string[] SmallGan = ["--data", "fashion-mnist", "--arch", "mlp", "--dry-run"];

    static CliRunner.Result Run(params string[] args) => CliRunner.Run(Embedded, args);

    /// <summary>Asserts exit code 2 and one line on stderr containing every one of <paramref name="parts"/>.</summary>
    static void AssertRefused(CliRunner.Result result, params string[] parts)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdErr}");
        var line = Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        foreach (var part in parts) Assert.Contains(part, line);
    }

    // Every file but the lock file (which a refused process may probe), with its bytes.
    static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != FolderLock.FileName)
            .ToDictionary(f => f, File.ReadAllBytes);

    static void AssertUnchanged(Dictionary<string, byte[]> before, string folder)
    {
        var after = Snapshot(folder);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[file]), file + " changed");
    }

    [Fact]
    public void Finetune_never_replaces_a_users_files_and_overwrite_removes_only_its_own()
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp);
        string[] finetune = ["finetune", "--data", data, "--backbone", "resnet18", "--from-scratch", "--freeze", "none", "--min-steps", "0",
            "--image-size", "16", "--epochs", "1", "--batch-size", "8"];

        // A folder of the user's own files, two of them named like TransferGen's (issue 11, case 2).
        var mine = temp.Folder("mine");
        File.WriteAllText(Path.Combine(mine, "metrics.json"), "my metrics");
        File.WriteAllText(Path.Combine(mine, "model.pt"), "my model");
        var before = Snapshot(mine);
        AssertRefused(Run([.. finetune, "--out", mine]), mine, "is not a TransferGen run folder");
        AssertRefused(Run([.. finetune, "--out", mine, "--overwrite"]), mine, "is not a TransferGen run folder");
        AssertUnchanged(before, mine);
        Assert.False(File.Exists(Path.Combine(mine, FolderLock.FileName)), "a lock file was left among the user's files");
        File.WriteAllText(temp["file"], "mine");
        AssertRefused(Run([.. finetune, "--out", temp["file"]]), temp["file"], "is a file");

        // A finished run: refused with the two ways on; --overwrite replaces TransferGen's files and keeps the user's note.
        var run = temp["run"];
        var first = Run([.. finetune, "--out", run]);
        Assert.True(first.ExitCode == 0, first.StdErr);
        var finished = Snapshot(run);
        AssertRefused(Run([.. finetune, "--out", run]), $"{run} already holds a 'finetune' run", $"--resume {run}", "--overwrite");
        AssertUnchanged(finished, run);
        AssertRefused(Run(["gan", "train", .. SmallGan, "--out", run]), "'finetune' run", "--overwrite");
        AssertRefused(Run("finetune", "--resume", run, "--overwrite"), "--overwrite", "--resume");
        File.WriteAllText(Path.Combine(run, "notes.txt"), "my notes");
        var again = Run([.. finetune, "--out", run, "--overwrite", "--seed", "1"]);
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Equal("my notes", File.ReadAllText(Path.Combine(run, "notes.txt")));
        Assert.Single(Directory.GetFiles(Path.Combine(run, "tensorboard")));
        Assert.Single(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")));
        Assert.Contains("\"seed\": 1", File.ReadAllText(Path.Combine(run, "config.json")));

        // evaluate: the heatmap replaces nothing and goes to a file; a batch size of 0 is an option error.
        string[] evaluate = ["evaluate", "--model", run, "--data", data];
        AssertRefused(Run([.. evaluate, "--batch-size", "0"]), "--batch-size must be at least 1");
        var folder = temp.Folder("heatmaps");
        AssertRefused(Run([.. evaluate, "--heatmap", folder]), folder, "is a folder");
        File.WriteAllText(temp["taken.png"], "mine");
        AssertRefused(Run([.. evaluate, "--heatmap", temp["taken.png"]]), temp["taken.png"], "already exists");
        Assert.Equal("mine", File.ReadAllText(temp["taken.png"]));

        // Truncated model.pt and checkpoint.pt: one sentence naming the file.
        Truncate(Path.Combine(run, "model.pt"));
        AssertRefused(Run([.. evaluate, "--heatmap", temp["new.png"]]), Path.Combine(run, "model.pt"), "truncated");
        AssertRefused(Run("predict", "--model", run, Path.Combine(data, "vertical", "1.png")), Path.Combine(run, "model.pt"), "truncated");
        Truncate(Path.Combine(run, Checkpoint.FileName));
        AssertRefused(Run("finetune", "--resume", run), Path.Combine(run, Checkpoint.FileName), "truncated");
    }

    [Fact]
    public void Gan_commands_never_replace_files_say_what_a_folder_is_and_refuse_before_announcing()
    {
        using var temp = new TempFolder();
        var run = temp["run"];
        var first = Run(["gan", "train", .. SmallGan, "--out", run]);
        Assert.True(first.ExitCode == 0, first.StdErr);
        var finished = Snapshot(run);
        AssertRefused(Run(["gan", "train", .. SmallGan, "--out", run]), $"{run} already holds a 'gan' run", $"--resume {run}", "--overwrite");
        AssertUnchanged(finished, run);
        var again = Run(["gan", "train", .. SmallGan, "--out", run, "--overwrite", "--seed", "3"]);
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Single(Directory.GetFiles(Path.Combine(run, "tensorboard")));

        // gan sample: nothing existing is replaced; an interpolation needs its two end points.
        File.WriteAllText(temp["grid.png"], "mine");
        AssertRefused(Run("gan", "sample", "--model", run, "-n", "4", "--out", temp["grid.png"]), temp["grid.png"], "already exists");
        Assert.Equal("mine", File.ReadAllText(temp["grid.png"]));
        var images = temp.Folder("images");
        File.WriteAllText(Path.Combine(images, "a.png"), "mine");
        AssertRefused(Run("gan", "sample", "--model", run, "-n", "4", "--out", images), images, "is not empty");
        Assert.Single(Directory.GetFileSystemEntries(images));
        AssertRefused(Run("gan", "sample", "--model", run, "-n", "1", "--interpolate", "--out", temp["strip.png"]), "--interpolate", "at least 2");
        Assert.False(File.Exists(temp["strip.png"]));

        // What a folder is, before anything starts.
        var zero = Run("gan", "train", "--data", "fashion-mnist", "--epochs", "0", "--out", temp["zero"]);
        AssertRefused(zero, "--epochs must be at least 1");
        Assert.DoesNotContain("Training", zero.StdErr);
        Assert.False(Directory.Exists(temp["zero"]));
        AssertRefused(Run("gan", "train", "--resume", temp.Folder("empty")), "not a run folder");
        var unstarted = temp.Folder("unstarted");
        File.Copy(Path.Combine(run, "config.json"), Path.Combine(unstarted, "config.json"));
        AssertRefused(Run("gan", "train", "--resume", unstarted), unstarted, "no checkpoint", "before its first epoch ended", "--overwrite");
        AssertRefused(Run("evaluate", "--model", run, "--data", "fashion-mnist"), $"{run} is a 'gan' run");
        AssertRefused(Run("predict", "--model", run, temp["grid.png"]), $"{run} is a 'gan' run");

        // Truncated model.pt and checkpoint.pt.
        Truncate(Path.Combine(run, "model.pt"));
        AssertRefused(Run("gan", "sample", "--model", run, "-n", "4", "--out", temp["new.png"]), Path.Combine(run, "model.pt"), "truncated");
        Truncate(Path.Combine(run, Checkpoint.FileName));
        AssertRefused(Run("gan", "train", "--resume", run, "--epochs", "2"), Path.Combine(run, Checkpoint.FileName), "truncated");
    }

    [Fact]
    public void A_run_folder_takes_one_process_and_a_kill_9_of_it_leaves_no_stale_lock()
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp);
        var run = temp["run"];
        // A GAN run long enough to be caught running: many epochs of a few cheap steps.
        using var holder = CliRunner.Start("gan", "train", "--data", data, "--arch", "mlp", "--batch-size", "4", "--epochs", "100000", "--out", run);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(run, Checkpoint.FileName)) && !holder.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
                Thread.Sleep(50);
            Assert.False(holder.HasExited, "the holder ended before it could be caught");
            var pid = $"PID {holder.Id}";

            // The lock is an OS lock between processes: this test process is refused too.
            Assert.Contains(pid, Assert.Throws<InputException>(() => FolderLock.Acquire(run)).Message);
            AssertRefused(CliRunner.Run("gan", "train", "--data", data, "--arch", "mlp", "--out", run), run, "is in use", pid);
            AssertRefused(CliRunner.Run("gan", "train", "--data", data, "--arch", "mlp", "--out", run, "--overwrite"), run, "is in use", pid);
            AssertRefused(CliRunner.Run("gan", "train", "--resume", run, "--epochs", "200000"), run, "is in use", pid);
            AssertRefused(CliRunner.Run("finetune", "--data", data, "--backbone", "resnet18", "--from-scratch", "--out", run, "--overwrite"),
                run, "is in use", pid);
            Assert.False(holder.HasExited, "the holder ended while the others were refused");
        }
        finally
        {
            holder.Kill(entireProcessTree: true);   // SIGKILL: nothing of the holder's runs
            holder.WaitForExit();
        }

        using (FolderLock.Acquire(run)) { }
        var after = CliRunner.Run("gan", "train", "--data", data, "--arch", "mlp", "--dry-run", "--out", run, "--overwrite");
        Assert.True(after.ExitCode == 0, after.StdErr);
    }

    [Fact]
    public void Benchmarks_write_only_into_folders_of_their_own()
    {
        using var temp = new TempFolder();
        var mine = temp.Folder("mine");
        File.WriteAllText(Path.Combine(mine, "results.md"), "my results");
        AssertRefused(Run("bench", "transfer", "--quick", "--out", mine), mine, "holds no transfer benchmark");
        AssertRefused(Run("bench", "gan", "--quick", "--out", mine), mine, "holds no GAN benchmark");
        Assert.Equal("my results", File.ReadAllText(Path.Combine(mine, "results.md")));
        var earlier = temp.Folder("earlier");
        File.WriteAllText(Path.Combine(earlier, "results.json"), "{}");
        AssertRefused(Run("bench", "gan", "--quick", "--out", earlier), earlier, "already holds GAN benchmark results", "--overwrite");
        Assert.Equal("{}", File.ReadAllText(Path.Combine(earlier, "results.json")));
    }

    static void Truncate(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
        stream.SetLength(stream.Length / 2);
    }
}
