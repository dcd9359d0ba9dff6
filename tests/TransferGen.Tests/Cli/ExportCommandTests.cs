using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using TransferGen.Data;
using TransferGen.Tests.Transfer;
using TransferGen.Transfer;

namespace TransferGen.Tests.Cli;

/// <summary>`transfergen export` as a user runs it: a file ONNX Runtime opens, and one sentence with exit 2 for each bad input.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ExportCommandTests : IClassFixture<ExportCommandTests.TrainedRun>, IDisposable
{
    /// <summary>One small fine-tuned run the tests export (trained once for the class).</summary>
    public sealed class TrainedRun : IDisposable
    {
        public string Folder { get; } = Directory.CreateTempSubdirectory("tg-export-run-").FullName;

        public TrainedRun()
        {
            var data = new ImageDataset("synthetic", "stripes", ["horizontal", "vertical"],
                [StripeData.Split("train", 12, seed: 1, size: 32), StripeData.Split("test", 4, seed: 2, size: 32)]);
            var options = new FineTuneOptions { Epochs = 1, ImageSize = 32, BatchSize = 8, Augment = false, Workers = 1, Freeze = FreezePolicy.Parse("none") };
            ImageClassifier.FineTune(data, options, Path.Combine(Folder, "run")).Dispose();
        }

        public string Run => Path.Combine(Folder, "run");

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    readonly TrainedRun _run;
    readonly string _dir = Directory.CreateTempSubdirectory("tg-export-cli-").FullName;

    public ExportCommandTests(TrainedRun run) => _run = run;

    public void Dispose()
    {
        foreach (var folder in Directory.GetDirectories(_dir)) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Export_writes_a_file_onnx_runtime_runs_and_reports_it_in_json()
    {
        var path = Path.Combine(_dir, "r18.onnx");
        var result = CliRunner.Run("export", "--model", _run.Run, "--out", path, "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        Assert.Equal("classifier", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(path, json.RootElement.GetProperty("path").GetString());
        using var session = new InferenceSession(path);
        Assert.Equal(["probabilities"], session.OutputNames);
    }

    [Fact]
    public void A_missing_run_folder_is_one_sentence_and_exit_2() =>
        AssertRefused(["export", "--model", Path.Combine(_dir, "nothing"), "--out", Path.Combine(_dir, "x.onnx")], "no such run folder");

    [Fact]
    public void A_run_without_its_model_is_one_sentence_and_exit_2()
    {
        var incomplete = Path.Combine(_dir, "incomplete");
        Directory.CreateDirectory(incomplete);
        File.Copy(Path.Combine(_run.Run, "config.json"), Path.Combine(incomplete, "config.json"));
        AssertRefused(["export", "--model", incomplete, "--out", Path.Combine(_dir, "x.onnx")], "model.pt");
    }

    [Fact]
    public void A_run_of_another_kind_is_one_sentence_and_exit_2()
    {
        var other = Path.Combine(_dir, "lr");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "config.json"), """{"kind": "lr-find"}""");
        AssertRefused(["export", "--model", other, "--out", Path.Combine(_dir, "x.onnx")], "'lr-find' run");
    }

    [Fact]
    public void An_out_folder_that_does_not_exist_is_one_sentence_and_exit_2()
    {
        var missing = Path.Combine(_dir, "no-such-folder");
        AssertRefused(["export", "--model", _run.Run, "--out", Path.Combine(missing, "x.onnx")], "does not exist");
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void An_existing_file_is_not_replaced()
    {
        var path = Path.Combine(_dir, "mine.onnx");
        File.WriteAllText(path, "the user's own file");
        AssertRefused(["export", "--model", _run.Run, "--out", path], "already exists");
        Assert.Equal("the user's own file", File.ReadAllText(path));
    }

    [Fact]
    public void A_read_only_folder_is_one_sentence_and_exit_2_and_leaves_nothing()
    {
        // Root ignores permission bits, so there the read-only folder is /sys, which refuses new files to everyone.
        string folder;
        if (Environment.UserName == "root")
        {
            folder = "/sys";
        }
        else
        {
            folder = Path.Combine(_dir, "read-only");
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var before = Directory.GetFileSystemEntries(folder).Length;
        AssertRefused(["export", "--model", _run.Run, "--out", Path.Combine(folder, "tg-test.onnx")], "tg-test.onnx");
        Assert.Equal(before, Directory.GetFileSystemEntries(folder).Length);
    }

    [Fact]
    public void Gan_sample_writes_latents_only_beside_a_folder_of_images() =>
        AssertRefused(["gan", "sample", "--model", _run.Run, "--out", Path.Combine(_dir, "grid.png"), "--latents", Path.Combine(_dir, "z.json")],
            "--latents goes with a folder --out");

    static void AssertRefused(string[] args, string expected)
    {
        var result = CliRunner.Run(args);
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdErr}");
        var lines = result.StdErr.Trim().Split('\n');
        Assert.Single(lines);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", result.StdErr);
    }
}
