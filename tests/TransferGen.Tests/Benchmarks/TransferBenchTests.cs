using System.Text.Json;
using TransferGen.Benchmarks.Transfer;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Benchmarks;

/// <summary>The transfer benchmark's parsing, report bookkeeping and files, without training anything.</summary>
public class TransferBenchTests
{
    static TransferBenchReport Report(params TransferBenchRun[] runs) => new()
    {
        Machine = new BenchMachine(2, "cpu", "os", 2, "2.x", "0.107.0"),
        Date = "2026-01-01T00:00:00Z",
        Dataset = "fashion-mnist",
        DatasetName = "fashion-mnist",
        TestCount = 10000,
        Backbone = "resnet18-imagenet",
        Options = new TransferBenchOptions { LabelsPerClass = [new(10), LabelBudget.Full] },
        Runs = runs,
    };

    static TransferBenchRun Run(LabelBudget k, string method, double accuracy) => new()
    {
        LabelsPerClass = k, Method = method, TestAccuracy = accuracy, BestValAccuracy = accuracy, Seconds = 1, TrainCount = 90,
    };

    [Fact]
    public void Label_budgets_parse_integers_and_full_and_refuse_the_rest()
    {
        Assert.Equal([new LabelBudget(10), new LabelBudget(100), LabelBudget.Full], LabelBudget.ParseList("10, 100,FULL"));
        foreach (var bad in new[] { "0", "-3", "abc", "1.5", "", "10,10" })
            Assert.Throws<InputException>(() => LabelBudget.ParseList(bad));
    }

    [Fact]
    public void Methods_parse_and_map_onto_the_fine_tune_options()
    {
        Assert.Equal([TransferMethod.FineTune, TransferMethod.Scratch], TransferMethods.ParseList("finetune,scratch"));
        Assert.Throws<InputException>(() => TransferMethods.ParseList("scratch,linear"));
        var options = new TransferBenchOptions { Epochs = 3, ImageSize = 64, Seed = 7 };
        var scratch = options.For(new(100), TransferMethod.Scratch);
        var probe = options.For(new(100), TransferMethod.Probe);
        var finetune = options.For(LabelBudget.Full, TransferMethod.FineTune);
        Assert.True(scratch.FromScratch);
        Assert.Equal("none", scratch.Freeze.ToString());
        Assert.False(probe.FromScratch);
        Assert.Equal("all", probe.Freeze.ToString());
        Assert.Equal("auto", finetune.Freeze.ToString());
        Assert.Null(finetune.LabelsPerClass);
        // The same budget for every method.
        Assert.All([scratch, probe, finetune], o => Assert.Equal((3, 64, 7), (o.Epochs, o.ImageSize, o.Seed)));
    }

    [Fact]
    public void An_image_size_the_backbone_cannot_take_is_refused_before_training()
    {
        var e = Assert.Throws<InputException>(() => new TransferBenchOptions { ImageSize = 48 }.Validate());
        Assert.Contains("multiple of 32", e.Message);
    }

    [Fact]
    public void Report_keeps_plan_order_replaces_reruns_and_computes_the_gap()
    {
        var report = Report()
            .With(Run(LabelBudget.Full, "finetune", 0.95))
            .With(Run(new(10), "scratch", 0.40))
            .With(Run(new(10), "finetune", 0.60))
            .With(Run(new(10), "scratch", 0.50));
        Assert.Equal(["10 scratch", "10 finetune", "full finetune"], report.Runs.Select(r => $"{r.LabelsPerClass} {r.Method}"));
        var gap = Assert.Single(report.FinetuneMinusScratch);
        Assert.Equal((new LabelBudget(10), 10.0), (gap.LabelsPerClass, gap.Points));
    }

    [Fact]
    public void Results_round_trip_and_resume_needs_the_flag_and_the_same_budget()
    {
        using var temp = new TempFolder();
        var saved = Report(Run(new(10), "probe", 0.7), Run(LabelBudget.Full, "scratch", 0.9));
        TransferBenchFiles.Save(temp.Path, saved);

        using (var json = JsonDocument.Parse(File.ReadAllText(TransferBenchFiles.ResultsPath(temp.Path))))
        {
            var runs = json.RootElement.GetProperty("runs");
            Assert.Equal(10, runs[0].GetProperty("labels_per_class").GetInt32());
            Assert.Equal("full", runs[1].GetProperty("labels_per_class").GetString());
        }
        Assert.Contains("| 10 | 90 | – | 70.00 % (1 s) |", File.ReadAllText(TransferBenchFiles.MarkdownPath(temp.Path)));

        var fresh = Report() with { Date = "later" };
        Assert.Throws<InputException>(() => TransferBenchFiles.Start(temp.Path, fresh, resume: false));
        var resumed = TransferBenchFiles.Start(temp.Path, fresh, resume: true);
        Assert.Equal(2, resumed.Runs.Count);
        Assert.Equal(saved.Date, resumed.Date);
        var other = fresh with { Options = fresh.Options with { Epochs = 99 } };
        Assert.Throws<InputException>(() => TransferBenchFiles.Start(temp.Path, other, resume: true));
    }
}
