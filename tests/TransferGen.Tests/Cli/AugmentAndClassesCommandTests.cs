using System.Text.Json;
using TransferGen.Cli;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Cli;

/// <summary>`gan train --augment/--ada` and `--classes` on the commands that read a dataset, through the real program
/// on the embedded Fashion-MNIST sample.</summary>
public class AugmentAndClassesCommandTests
{
    static readonly Dictionary<string, string> Embedded = new() { ["TRANSFERGEN_FASHION_MNIST_DIR"] = "/nonexistent-transfergen-test" };

    static CliRunner.Result Run(params string[] args) => CliRunner.Run(Embedded, args);

    static JsonElement Json(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.Clone();
    }

    static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    static readonly string[] Sneakers = ["Sandal", "Sneaker", "Ankle boot"];

    [Fact]
    public void Gan_train_with_ada_on_some_classes_records_both_logs_p_and_resumes_on_the_same_classes()
    {
        using var temp = new TempFolder();
        var run = temp["run"];
        var trained = Run("gan", "train", "--data", "fashion-mnist", "--arch", "cdcgan", "--classes", "5,7,Ankle boot", "--ada",
            "--ada-speed", "1000", "--max-images", "48", "--batch-size", "8", "--epochs", "1", "--out", run);
        Assert.True(trained.ExitCode == 0, trained.StdErr);
        Assert.Contains("ada p ", trained.StdErr);   // the epoch's summary line

        var config = Json(Path.Combine(run, "config.json"));
        var options = config.GetProperty("options");
        Assert.Equal("diff", options.GetProperty("augmentation").GetString());   // --ada alone adapts the diff policy
        Assert.True(options.GetProperty("ada").GetBoolean());
        Assert.Equal(1000, options.GetProperty("ada_speed_images").GetDouble());
        Assert.Equal(Sneakers, Strings(options.GetProperty("classes")));        // recorded by name
        Assert.Equal(Sneakers, Strings(config.GetProperty("classes")));
        var line = JsonDocument.Parse(File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))[0]).RootElement;
        Assert.InRange(line.GetProperty("ada_p").GetDouble(), 0, 1);
        Assert.InRange(line.GetProperty("train_d_real_sign").GetDouble(), -1, 1);

        var resumed = Run("gan", "train", "--resume", run, "--epochs", "2");
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        Assert.Equal(Sneakers, Strings(Json(Path.Combine(run, "config.json")).GetProperty("classes")));

        // Samples come in the run's three classes; gan evaluate scores against the run's classes of its dataset.
        var sample = Run("gan", "sample", "--model", run, "-n", "6", "--out", temp["samples"]);
        Assert.True(sample.ExitCode == 0, sample.StdErr);
        Assert.Equal(["Ankle boot", "Sandal", "Sneaker"], Directory.GetDirectories(temp["samples"]).Select(Path.GetFileName).Order());
        var evaluate = Run("gan", "evaluate", "--model", run, "--data", "fashion-mnist", "-n", "20", "--features", "pixels", "--kid-subsets", "2");
        Assert.True(evaluate.ExitCode == 0, evaluate.StdErr);
        Assert.Contains("run's classes: Sandal, Sneaker, Ankle boot", evaluate.StdOut);
    }

    [Fact]
    public void Gan_train_with_a_diff_policy_records_it()
    {
        using var temp = new TempFolder();
        var result = Run("gan", "train", "--data", "fashion-mnist", "--augment", "color,translation", "--dry-run", "--out", temp["run"]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var options = Json(temp["run/config.json"]).GetProperty("options");
        Assert.Equal("color,translation", options.GetProperty("augmentation").GetString());
        Assert.False(options.GetProperty("ada").GetBoolean());
        Assert.Equal(JsonValueKind.Null, options.GetProperty("classes").ValueKind);
    }

    [Theory]
    [InlineData("error: Unknown augmentation 'colour' in --augment (give none, diff, or a comma list of: color, translation, cutout).", "--augment", "colour")]
    [InlineData("error: --ada adapts the probability of the augmentations of --augment, which is none: give a policy (diff, say).", "--ada", "--augment", "none")]
    [InlineData("error: --ada-target and --ada-speed tune --ada; add --ada or leave them out.", "--ada-target", "0.5")]
    [InlineData("error: --classes names the class 'Dress2', which fashion-mnist lacks (its classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot).", "--classes", "5,Dress2")]
    public void Bad_gan_train_options_are_one_sentence_and_exit_2(string message, params string[] args)
    {
        using var temp = new TempFolder();
        var result = Run(["gan", "train", "--data", "fashion-mnist", "--dry-run", "--out", temp["run"], .. args]);
        Assert.Equal(2, result.ExitCode);
        // One error line, last (a class the data lacks is found when the data loads, after the run is announced).
        var lines = result.StdErr.Trim().Split('\n');
        Assert.Equal(message, lines[^1]);
        Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.False(File.Exists(temp["run/config.json"]));
    }

    [Fact]
    public void Data_info_fid_and_a_fine_tune_keep_only_the_classes_asked_for()
    {
        using var temp = new TempFolder();
        var info = Run("data", "info", "fashion-mnist", "--classes", "9,Sandal", "--json");
        Assert.True(info.ExitCode == 0, info.StdErr);
        var described = JsonDocument.Parse(info.StdOut).RootElement;
        Assert.Equal(["Ankle boot", "Sandal"], Strings(described.GetProperty("classes")));
        Assert.Equal([200, 200], described.GetProperty("splits").GetProperty("train").GetProperty("per_class").EnumerateArray().Select(e => e.GetInt32()));
        var missing = Run("data", "info", "fashion-mnist", "--classes", "11");
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error: --classes names the class '11', which fashion-mnist lacks (its classes: 0 T-shirt/top,", missing.StdErr.Trim());
        Assert.Single(missing.StdErr.Trim().Split('\n'));

        var fid = Run("fid", "fashion-mnist", "fashion-mnist", "--classes", "5", "--classes-b", "5", "--features", "pixels", "-n", "20", "--kid-subsets", "2", "--json");
        Assert.True(fid.ExitCode == 0, fid.StdErr);
        var badB = Run("fid", "fashion-mnist", "fashion-mnist", "--classes-b", "Boot", "--features", "pixels", "-n", "20");
        Assert.Equal(2, badB.ExitCode);
        Assert.StartsWith("error: --classes-b names the class 'Boot'", badB.StdErr.Trim());

        var clf = temp["clf"];
        var tuned = Run("finetune", "--data", "fashion-mnist", "--classes", "Bag,1", "--backbone", "resnet18", "--from-scratch", "--image-size", "16",
            "--epochs", "1", "--probe-epochs", "1", "--min-steps", "0", "--labels-per-class", "4", "--out", clf);
        Assert.True(tuned.ExitCode == 0, tuned.StdErr);
        var config = Json(Path.Combine(clf, "config.json"));
        Assert.Equal(["Bag", "Trouser"], Strings(config.GetProperty("classes")));
        Assert.Equal(["Bag", "Trouser"], Strings(config.GetProperty("dataset_classes")));
        // evaluate reads the run's classes of its dataset by default, and the test split of just those classes.
        var evaluate = Run("evaluate", "--model", clf, "--data", "fashion-mnist", "--heatmap", temp["h.png"], "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.StdErr);
        var report = JsonDocument.Parse(evaluate.StdOut).RootElement;
        Assert.Equal(["Bag", "Trouser"], Strings(report.GetProperty("classes")));
        Assert.Equal(100, report.GetProperty("per_class").EnumerateArray().Sum(c => c.GetProperty("support").GetInt32()));
    }

    [Theory]
    [InlineData("gan train", "--augment", "--ada", "--ada-target", "--ada-speed", "--classes")]
    [InlineData("finetune", "--classes")]
    [InlineData("pretrain", "--classes")]
    [InlineData("lr-find", "--classes")]
    [InlineData("evaluate", "--classes")]
    [InlineData("data info", "--classes")]
    [InlineData("fid", "--classes", "--classes-b")]
    [InlineData("gan evaluate", "--classes")]
    [InlineData("bench gan", "--classes")]
    [InlineData("bench transfer", "--classes")]
    public void Help_shows_the_new_flags(string command, params string[] flags)
    {
        var result = InProcessCli.App().Run([.. command.Split(' '), "--help"]);
        Assert.Equal(0, result.ExitCode);
        foreach (var flag in flags) Assert.Matches($@"\s{System.Text.RegularExpressions.Regex.Escape(flag)}\s", result.Output);
    }

    [Theory]
    [InlineData("GanTrainingConfig.Augmentation", "--augment")]
    [InlineData("GanTrainingConfig.Ada", "--ada")]
    [InlineData("GanTrainingConfig.AdaTarget", "--ada-target")]
    [InlineData("GanTrainingConfig.AdaSpeedImages", "--ada-speed")]
    [InlineData("GanTrainingConfig.Classes", "--classes")]
    [InlineData("DatasetOptions.Classes", "--classes")]
    [InlineData("Settings.ClassesB", "--classes-b")]
    public void Option_errors_name_the_new_flags(string property, string flag) =>
        Assert.Equal(flag + " is wrong.", CliApp.Classify(new InvalidOptionException("{0} is wrong.", property)).Message);
}
