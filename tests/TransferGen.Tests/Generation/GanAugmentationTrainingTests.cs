using TorchSharp;
using TransferGen.Generation;
using TransferGen.Generation.Augmentation;
using TransferGen.Tests.Data;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Tests.Generation;

/// <summary>`gan train --augment` and `--ada` through the trainer: the D step sees augmented images, ADA's p is logged,
/// checkpointed and resumed bit for bit, and the default path is untouched.</summary>
[Collection(nameof(TransferGen.Tests.Transfer.SerialTorchTests))]   // bit-for-bit resumes
public class GanAugmentationTrainingTests
{
    static string TinyIdx(TempFolder temp, int count)
    {
        var folder = temp.Folder("data");
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 4)).ToArray();
        TestFiles.WriteIdxPair(folder, "train", TestFiles.Pattern(count, 28 * 28), count, 28, 28, labels, gzip: false);
        TestFiles.WriteIdxPair(folder, "t10k", TestFiles.Pattern(count, 28 * 28, salt: 3), count, 28, 28, labels, gzip: false);
        return folder;
    }

    static readonly TransferGen.Models.Gan.GanOptions Narrow = new() { Nz = 8, Ngf = 4, Ndf = 4, ClassEmbeddingDim = 3 };

    static float[] Weights(nn.Module module) =>
        module.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray()).ToArray();

    sealed class CancelAt(CancellationTokenSource source, int epoch, int batch) : ICallback
    {
        public void AfterBatch(TrainingContext context)
        {
            if (context.Epoch == epoch && context.BatchIndex == batch) source.Cancel();
        }
    }

    [Fact]
    public void Ada_on_a_conditional_gan_logs_p_and_resumes_bit_for_bit_from_an_epoch_or_a_mid_epoch_checkpoint()
    {
        using var temp = new TempFolder();
        var data = TinyIdx(temp, 48);   // 6 steps of 8 per epoch: checkpoints fall between two of ADA's 4-step adjustments
        var config = new GanTrainingConfig
        {
            Data = data, Arch = "cdcgan", BatchSize = 8, Epochs = 3, Seed = 4, Model = Narrow,
            Augmentation = "diff", Ada = true, AdaTarget = 0.1, AdaSpeedImages = 320,
        };

        using var straight = GanTrainer.Train(config, temp["straight"]);
        var history = straight.Context.History;
        Assert.All(history, h => Assert.InRange(h[AdaptiveAugmentation.ProbabilityFigure], 0, 1));
        Assert.True(history.Any(h => h[AdaptiveAugmentation.ProbabilityFigure] > 0), "p never rose, so the augmentations were never drawn");
        Assert.All(history, h => Assert.InRange(h["train_" + AdaptiveAugmentation.SignalFigure], -1, 1));
        var saved = Checkpoint.Open(Path.Combine(temp["straight"], Checkpoint.FileName))!.State;
        Assert.Equal(history[^1][AdaptiveAugmentation.ProbabilityFigure], saved.Callbacks["ada"]["p"]!.GetValue<double>());
        Assert.Contains("augment", saved.Generators.Keys);
        var logged = File.ReadAllLines(Path.Combine(temp["straight"], "metrics.jsonl"));
        Assert.All(logged, line => Assert.Contains("\"ada_p\"", line));

        // kill -9 after the first epoch: the resume starts from that epoch's checkpoint.
        using (GanTrainer.Train(config with { Epochs = 1 }, temp["killed"])) { }
        using var fromEpoch = GanTrainer.Resume(RunFolder.Existing(temp["killed"]), epochs: 3);

        // Ctrl-C in the second epoch after its third batch: the resume starts mid-epoch and mid-interval.
        using var source = new CancellationTokenSource();
        Assert.Throws<TrainingCancelledException>(() => GanTrainer.Train(config, temp["stopped"], [new CancelAt(source, 1, 2)],
            cancellationToken: source.Token));
        using var fromBatch = GanTrainer.Resume(RunFolder.Existing(temp["stopped"]));

        foreach (var (resumed, name) in new[] { (fromEpoch, "epoch"), (fromBatch, "mid-epoch") })
        {
            Assert.Equal(history.Count, resumed.Context.History.Count);
            foreach (var (x, y) in history.Zip(resumed.Context.History))
                foreach (var key in x.Keys.Where(k => k != "epoch_seconds"))
                    Assert.True(x[key] == y[key], $"{key} after a resume from the {name} checkpoint: {y[key]} instead of {x[key]}");
            Assert.Equal(Weights(straight.Generator), Weights(resumed.Generator));
        }
    }

    [Fact]
    public void Diff_augmentation_changes_training_only_when_asked_and_is_reproducible()
    {
        using var temp = new TempFolder();
        var data = TinyIdx(temp, 32);
        var plain = new GanTrainingConfig { Data = data, Arch = "dcgan", BatchSize = 8, Epochs = 1, Seed = 2, Model = Narrow };
        using var a = GanTrainer.Train(plain, temp["a"]);
        using var b = GanTrainer.Train(plain with { Augmentation = "none" }, temp["b"]);
        using var c = GanTrainer.Train(plain with { Augmentation = "diff" }, temp["c"]);
        using var d = GanTrainer.Train(plain with { Augmentation = "diff" }, temp["d"]);

        Assert.Equal(Weights(a.Generator), Weights(b.Generator));
        Assert.DoesNotContain(AdaptiveAugmentation.SignalFigure, string.Join(",", a.Context.History[0].Keys));
        Assert.NotEqual(Weights(a.Generator), Weights(c.Generator));
        Assert.Equal(Weights(c.Generator), Weights(d.Generator));
        Assert.Contains("train_" + AdaptiveAugmentation.SignalFigure, c.Context.History[0].Keys);
        Assert.DoesNotContain(AdaptiveAugmentation.ProbabilityFigure, c.Context.History[0].Keys);
        var recorded = GanRunConfig.Read(new RunFolder(temp["c"])).Options;
        Assert.Equal(("diff", false), (recorded.Augmentation, recorded.Ada));
    }

    [Theory]
    [InlineData("colr", null, "Unknown augmentation 'colr' in GanTrainingConfig.Augmentation (give none, diff, or a comma list of: color, translation, cutout).")]
    [InlineData("none", true, "GanTrainingConfig.Ada adapts the probability of the augmentations of GanTrainingConfig.Augmentation, which is none: give a policy (diff, say).")]
    public void Bad_augmentation_options_are_refused_naming_them(string policy, bool? ada, string message)
    {
        var config = new GanTrainingConfig { Data = "x", Augmentation = policy, Ada = ada ?? false };
        Assert.Equal(message, Assert.Throws<InvalidOptionException>(() => config.Validate()).Message);
        Assert.Equal(["GanTrainingConfig.AdaTarget"],
            Assert.Throws<InvalidOptionException>(() => (new GanTrainingConfig { Data = "x", AdaTarget = 1.0 }).Validate()).Properties);
    }

    [Fact]
    public void A_config_json_from_before_augmentation_loads_with_none()
    {
        var old = GanTrainingConfig.FromJson("""{ "data": "fashion-mnist", "arch": "dcgan", "epochs": 3 }""", "old config.json");
        Assert.Equal((DiffAugment.None, false, 0.6), (old.Augmentation, old.Ada, old.AdaTarget));
        Assert.Null(old.Classes);
        old.Validate();
    }
}
