using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using TransferGen.Tests.Data;
using TransferGen.Tests.Reports;

namespace TransferGen.Tests.Cli;

public class ReportCommandTests
{
    static readonly string[] TinyFinetune = ["--backbone", "resnet18", "--from-scratch", "--min-steps", "0", "--image-size", "16", "--epochs", "1",
        "--probe-epochs", "1", "--batch-size", "8"];

    static string Text(string html) => WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]+>", " "));

    [Fact]
    public void A_classifier_run_reports_its_config_results_curves_confusion_and_command_with_class_names_escaped()
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp, classes: ["a<b", "c&d"]);
        var run = temp["run"];
        var train = CliRunner.Run(["finetune", "--data", data, "--out", run, .. TinyFinetune]);
        Assert.True(train.ExitCode == 0, train.StdErr);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
            Assert.Equal("finetune", config.RootElement.GetProperty("command").GetProperty("arguments")[0].GetString());

        var result = CliRunner.Run("report", run);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var path = Path.Combine(run, "report.html");
        Assert.Contains($"Report written to {path}", result.StdOut);
        var html = File.ReadAllText(path);
        var images = HtmlReportAssert.SelfContained(html);
        Assert.Equal(2, images.Count);   // curves.png and the confusion heatmap
        Assert.Contains("a&lt;b", html);
        Assert.Contains("c&amp;d", html);
        Assert.DoesNotContain("a<b", html);
        var cells = HtmlReportAssert.Cells(html);
        Assert.Contains("a<b", cells);   // the per-class table
        Assert.Contains("c&d", cells);
        Assert.Contains("resnet18", cells);
        var text = Text(html);
        Assert.Contains($"&& transfergen finetune --data {data} --out {run}", text);
        Assert.Contains($"transfergen evaluate --model {run} --data {data}", text);
        // The accuracy evaluated now from model.pt is the test accuracy the run recorded.
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var recorded = (100 * metrics.RootElement.GetProperty("test_accuracy").GetDouble()).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " %";
        Assert.Contains($"[test], 4 images: accuracy {recorded}", text);
        Assert.Contains(recorded, cells);

        // Our own report is replaced; --no-evaluate leaves out the confusion matrix and says why.
        var again = CliRunner.Run("report", run, "--no-evaluate");
        Assert.True(again.ExitCode == 0, again.StdErr);
        var plain = File.ReadAllText(path);
        Assert.Single(HtmlReportAssert.SelfContained(plain));
        Assert.Contains("Evaluation was not asked for.", plain);
        Assert.DoesNotContain("a<b", HtmlReportAssert.Cells(plain));
    }

    [Fact]
    public void A_gan_run_reports_its_losses_curves_and_sample_grids()
    {
        using var temp = new TempFolder();
        var run = temp["gan"];
        var train = CliRunner.Run("gan", "train", "--data", "fashion-mnist", "--out", run, "--dry-run", "--epochs", "2");
        Assert.True(train.ExitCode == 0, train.StdErr);

        var out_ = temp["elsewhere/gan.html"];
        var result = CliRunner.Run("report", run, "--out", out_);

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains($"Report written to {out_}", result.StdOut);
        Assert.False(File.Exists(Path.Combine(run, "report.html")));
        var html = File.ReadAllText(out_);
        var images = HtmlReportAssert.SelfContained(html);
        Assert.Equal(4, images.Count);   // curves, latest, epochs 1 and 2
        Assert.Contains("Epoch 2", html);
        var cells = HtmlReportAssert.Cells(html);
        Assert.Contains("dcgan", cells);
        Assert.Contains("last epoch: train g loss", cells);
        Assert.Contains($"&& transfergen gan train --data fashion-mnist --out {run} --dry-run --epochs 2", Text(html));

        // A resume keeps the command that started the run: the one that reproduces it from the beginning.
        Assert.Equal(0, CliRunner.Run("gan", "train", "--resume", run, "--epochs", "3").ExitCode);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal(["gan", "train", "--data", "fashion-mnist", "--out", run, "--dry-run", "--epochs", "2"],
            config.RootElement.GetProperty("command").GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public void A_missing_folder_a_folder_that_is_no_run_and_a_kind_without_a_report_are_one_sentence_and_exit_2()
    {
        using var temp = new TempFolder();
        var plain = temp.Folder("plain");
        var lrFind = temp.Folder("lr");
        File.WriteAllText(Path.Combine(lrFind, "config.json"), "{\"kind\": \"lr-find\"}");
        var damaged = temp.Folder("damaged");
        File.WriteAllText(Path.Combine(damaged, "config.json"), "{\"kind\": ");
        File.WriteAllText(temp["file.txt"], "x");

        foreach (var (folder, says) in new[]
                 {
                     (temp["missing"], "no such run folder"), (plain, "not a run folder"), (lrFind, "'lr-find' run"),
                     (damaged, "not a valid run file"), (temp["file.txt"], "no such run folder"),
                 })
        {
            var result = CliRunner.Run("report", folder);
            Assert.True(result.ExitCode == 2, $"{folder}: exit {result.ExitCode}, {result.StdErr}");
            Assert.Contains(folder, result.StdErr);
            Assert.Contains(says, result.StdErr);
            Assert.Single(result.StdErr.Trim().Split('\n'));
        }
        Assert.False(File.Exists(Path.Combine(plain, "report.html")));
    }

    [Fact]
    public void A_users_file_is_never_replaced_in_the_run_folder_or_at_out()
    {
        using var temp = new TempFolder();
        var run = temp.Folder("run");
        File.WriteAllText(Path.Combine(run, "config.json"), "{\"kind\": \"gan\"}");   // refused before the run is read
        var mine = Path.Combine(run, "report.html");
        File.WriteAllText(mine, "<html>my own notes</html>");
        var other = temp["other.html"];
        File.WriteAllText(other, "keep me");

        foreach (var (args, target) in new[] { (new[] { "report", run }, mine), (new[] { "report", run, "--out", other }, other) })
        {
            var before = File.ReadAllText(target);
            var result = CliRunner.Run(args);
            Assert.True(result.ExitCode == 2, result.StdErr);
            Assert.Contains($"{target} already exists and is not a TransferGen report", result.StdErr);
            Assert.Equal(before, File.ReadAllText(target));
        }
        var folder = CliRunner.Run("report", run, "--out", temp.Folder("a-folder"));
        Assert.Equal(2, folder.ExitCode);
        Assert.Contains("is a folder", folder.StdErr);
    }
}
