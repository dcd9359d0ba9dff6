using System.Text.Json;
using TransferGen.Quickstart;
using TransferGen.Reports;
using TransferGen.Tests.Cli;
using TransferGen.Tests.Data;
using TransferGen.Tests.Reports;

namespace TransferGen.Tests.Tour;

/// <summary>One tiny quickstart, shared by the tests that read what it wrote.</summary>
public sealed class TinyQuickstart : IDisposable
{
    /// <summary>Options that run every step in seconds: two labels per class, a few steps each.</summary>
    public static readonly QuickstartOptions Options = new()
    {
        LabelsPerClass = 3, ImageSize = 32, BatchSize = 8, MinSteps = 2, TestPerClass = 5,
        GanSteps = 3, GanBatchSize = 4, SyntheticPerClass = 3, ScoreCount = 20, AgreementPerClass = 2,
    };

    /// <summary>The same options as `quickstart` flags.</summary>
    public static readonly string[] Flags =
    [
        "--labels-per-class", "3", "--image-size", "32", "--batch-size", "8", "--min-steps", "2", "--test-per-class", "5",
        "--gan-steps", "3", "--gan-batch-size", "4", "--synthetic-per-class", "3", "-n", "20", "--agreement-per-class", "2",
    ];

    readonly TempFolder _temp = new();

    /// <summary>The folder it ran in.</summary>
    public string Folder { get; }

    /// <summary>What it measured.</summary>
    public QuickstartResult Result { get; }

    /// <summary>Its progress lines.</summary>
    public List<string> Progress { get; } = [];

    /// <summary>Runs it.</summary>
    public TinyQuickstart()
    {
        Folder = _temp["quickstart"];
        Result = QuickstartJob.Run(Folder, Options, progress: Progress.Add);
    }

    /// <inheritdoc />
    public void Dispose() => _temp.Dispose();
}

[Collection(nameof(TransferGen.Tests.Transfer.SerialTorchTests))]   // bit-for-bit equality with the commands it prints: no other test may touch the global RNG meanwhile
public sealed class QuickstartTests(TinyQuickstart run) : IClassFixture<TinyQuickstart>
{
    [Fact]
    public void It_writes_every_run_its_results_and_a_report_and_says_which_data_it_used()
    {
        foreach (var name in new[] { QuickstartJob.ScratchFolder, QuickstartJob.PretrainedFolder, QuickstartJob.GanFolder, QuickstartJob.AugmentedFolder })
            Assert.True(File.Exists(Path.Combine(run.Folder, name, "config.json")), $"{name}/config.json is missing");
        var report = Path.Combine(run.Folder, QuickstartJob.ReportFile);
        Assert.True(HtmlReport.IsOurs(report));
        var html = File.ReadAllText(report);
        Assert.Contains(run.Result.DataFormat, html);
        Assert.Contains("transfergen finetune", html);
        Assert.Contains("transfergen gan evaluate", html);
        Assert.Contains(run.Progress, line => line.StartsWith("Data: " + run.Result.DataFormat, StringComparison.Ordinal));
        Assert.Equal(["[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]"], run.Progress.Where(l => l.StartsWith('[')).Select(l => l[..5]));

        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Folder, QuickstartJob.ResultFile))).RootElement;
        Assert.Equal(run.Result.Pretrained.TestAccuracy, json.GetProperty("pretrained").GetProperty("test_accuracy").GetDouble());
        Assert.Equal(10 * 5, run.Result.TestImages);
        Assert.Equal(20, run.Result.Generated.A.Count);
        Assert.Equal(20, run.Result.Floor.A.Count);
        Assert.Equal(10, run.Result.Agreement.PerClass.Count);
        Assert.Equal(["fine-tune from scratch", "fine-tune the pretrained ResNet18", "train the conditional GAN and draw images",
                      "fine-tune on real + generated images", "score the GAN", "write the report"], run.Result.Steps.Select(s => s.Name));
        foreach (var c in new[] { run.Result.Pretrained, run.Result.Scratch, run.Result.Augmented }) Assert.InRange(c.TestAccuracy, 0, 1);
    }

    [Fact]
    public void The_commands_it_prints_repeat_its_numbers()
    {
        using var temp = new TempFolder();
        var here = Environment.CurrentDirectory;
        var pretrained = QuickstartCommands.Pretrained(TinyQuickstart.Options, Path.Combine(temp.Path, "qs"));
        var scratch = QuickstartCommands.Scratch(TinyQuickstart.Options, Path.Combine(temp.Path, "qs"));
        foreach (var (command, expected) in new[] { (pretrained, run.Result.Pretrained.TestAccuracy), (scratch, run.Result.Scratch.TestAccuracy) })
        {
            var result = CliRunner.Run([.. command.Arguments, "--json"]);
            Assert.True(result.ExitCode == 0, result.StdErr);
            var accuracy = JsonDocument.Parse(result.StdOut).RootElement.GetProperty("test_accuracy").GetDouble();
            Assert.Equal(expected, accuracy);
        }
        Assert.Equal(here, Environment.CurrentDirectory);
    }

    [Fact]
    public void A_second_run_is_refused_without_overwrite_and_a_folder_with_other_files_always()
    {
        var again = Assert.Throws<InputException>(() => QuickstartJob.CheckFolder(run.Folder, overwrite: false));
        Assert.Contains("already holds a quickstart", again.Message);
        QuickstartJob.CheckFolder(run.Folder, overwrite: true);

        using var temp = new TempFolder();
        var mine = temp["mine"];
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "mine");
        var cli = CliRunner.Run(["quickstart", "--out", mine, "--overwrite", .. TinyQuickstart.Flags]);
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("notes.txt", cli.StdErr);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(mine, "notes.txt")));
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(mine).Select(Path.GetFileName));
    }

    [Fact]
    public void An_image_size_the_imagenet_resnet_cannot_take_is_refused_before_anything_trains()
    {
        using var temp = new TempFolder();
        var flags = TinyQuickstart.Flags.ToArray();
        flags[Array.IndexOf(flags, "--image-size") + 1] = "40";
        var cli = CliRunner.Run(["quickstart", "--out", temp["qs"], .. flags]);
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("--image-size", cli.StdErr);
        Assert.Contains("multiple of 32", cli.StdErr);
        Assert.False(Directory.Exists(temp["qs"]) && Directory.EnumerateFileSystemEntries(temp["qs"]).Any());
    }

    [Fact]
    public void The_command_line_runs_the_same_quickstart_and_prints_a_summary()
    {
        using var temp = new TempFolder();
        var result = CliRunner.Run(["quickstart", "--out", temp["qs"], .. TinyQuickstart.Flags]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("pretrained vs from scratch", result.StdOut);
        Assert.Contains("report.html", result.StdOut);
        var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp["qs"], QuickstartJob.ResultFile))).RootElement;
        Assert.Equal(run.Result.Pretrained.TestAccuracy, written.GetProperty("pretrained").GetProperty("test_accuracy").GetDouble());
        Assert.Equal(run.Result.Augmented.TestAccuracy, written.GetProperty("augmented").GetProperty("test_accuracy").GetDouble());
        Assert.Equal(run.Result.Generated.Fid, written.GetProperty("generated").GetProperty("fid").GetDouble(), 6);

        var twice = CliRunner.Run(["quickstart", "--out", temp["qs"], .. TinyQuickstart.Flags]);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("--overwrite", twice.StdErr);
    }

    [ChromiumFact]
    public void Its_report_renders_offline_with_every_image_decoded()
    {
        var page = HeadlessChromium.Load(Path.Combine(run.Folder, QuickstartJob.ReportFile));
        Assert.True(page.Images >= 6, $"only {page.Images} images");   // two curves, confusion, two grids, GAN losses
        Assert.Equal(page.Images, page.DecodedImages);
        Assert.True(page.Tables >= 6, $"only {page.Tables} tables");
        Assert.Empty(page.Resources);
    }
}
