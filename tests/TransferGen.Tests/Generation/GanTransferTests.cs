using System.Text.Json.Nodes;
using TorchSharp;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Models.Gan;
using TransferGen.Tests.Cli;
using TransferGen.Tests.Data;
using TransferGen.Tests.Transfer;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Tests.Generation;

/// <summary>GAN transfer (--init) and FreezeD (--freeze-d): what starts from the source, what trains, what resumes.</summary>
[Collection(nameof(TransferGen.Tests.Transfer.SerialTorchTests))]   // bit-for-bit resumes
public sealed class GanTransferTests
{
    static ImageDataset Data(int seed, IReadOnlyList<string>? classes = null) =>
        new("synthetic", "stripes", classes ?? ["horizontal", "vertical"], [StripeData.Split("train", 16, seed, size: 32)]);

    static GanTrainingConfig Config(string arch = "dcgan", int epochs = 1) => new()
    {
        Arch = arch, ImageSize = 32, Epochs = epochs, BatchSize = 8, Seed = 3,
        Model = new GanOptions { Nz = 16, Ngf = 8, Ndf = 8, ClassEmbeddingDim = 4 },
    };

    static string Source(TempFolder temp, string arch = "dcgan", IReadOnlyList<string>? classes = null)
    {
        using var _ = GanTrainer.Train(Data(1, classes), Config(arch), new RunFolder(temp["source"]));
        return temp["source"];
    }

    static Dictionary<string, Tensor> Module(Checkpoint checkpoint, string name, GanTrainingConfig config, int classes)
    {
        var shape = new ImageShape(1, 32, 32);
        nn.Module module = name == "d" ? GanFactory.CreateDiscriminator(config.Arch, shape, classes, config.Model)
            : GanFactory.CreateGenerator(config.Arch, shape, classes, config.Model);
        checkpoint.LoadModule(name, module);
        return module.state_dict();
    }

    [Fact]
    public void Init_starts_g_d_and_the_ema_generator_from_the_source_run()
    {
        using var temp = new TempFolder();
        var source = Source(temp);
        var config = Config();
        var shape = new ImageShape(1, 32, 32);
        var (g, d) = GanFactory.Create("dcgan", shape, 2, config.Model);
        using var emaG = GanFactory.CreateGenerator("dcgan", shape, 2, config.Model);
        using (g)
        using (d)
        {
            var record = GanTransfer.Initialize(source, config, shape, 2, g, d, emaG);
            Assert.Empty(record.Reinitialised);
            Assert.Equal(1, record.Epochs);
            var checkpoint = Checkpoint.Open(Path.Combine(source, Checkpoint.FileName))!;
            foreach (var (name, module) in new (string, nn.Module)[] { ("g", g), ("d", d), ("ema_g", emaG) })
            {
                var expected = Module(checkpoint, name, config, 2);
                foreach (var (key, tensor) in module.state_dict())
                    Assert.True(tensor.eq(expected[key]).all().item<bool>(), $"{name}.{key} was not copied from the source");
            }
        }
    }

    [Fact]
    public void Another_class_count_starts_the_class_layers_fresh_and_copies_the_rest()
    {
        using var temp = new TempFolder();
        var source = Source(temp, "cdcgan", ["a", "b", "c"]);
        var config = Config("cdcgan");
        var shape = new ImageShape(1, 32, 32);
        var (g, d) = GanFactory.Create("cdcgan", shape, 2, config.Model);
        using var emaG = GanFactory.CreateGenerator("cdcgan", shape, 2, config.Model);
        using (g)
        using (d)
        {
            var record = GanTransfer.Initialize(source, config, shape, 2, g, d, emaG);
            Assert.Equal(["d.embed.weight", "ema_g.embed.weight", "g.embed.weight"], record.Reinitialised);
            Assert.Equal(["a", "b", "c"], record.Classes);
            var expected = Module(Checkpoint.Open(Path.Combine(source, Checkpoint.FileName))!, "d", config, 3);
            foreach (var (key, tensor) in d.state_dict().Where(kv => kv.Key != "embed.weight"))
                Assert.True(tensor.eq(expected[key]).all().item<bool>(), $"d.{key} was not copied");
        }
    }

    [Theory]
    [InlineData("mlp", "it is a dcgan and this run a mlp")]
    [InlineData("ngf", "generator width ngf is 8 and this run's 16")]
    public void A_source_of_another_shape_is_refused_naming_the_difference(string change, string expected)
    {
        using var temp = new TempFolder();
        var source = Source(temp);
        var config = change == "mlp" ? Config("mlp") : Config() with { Model = Config().Model with { Ngf = 16 } };
        var e = Assert.ThrowsAny<InputException>(() => GanTrainer.Train(Data(2), config with { InitFrom = source }, new RunFolder(temp["target"])));
        Assert.Contains(source, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.False(Directory.Exists(temp["target"]));   // refused before the run folder was made
    }

    [Fact]
    public void FreezeD_keeps_the_first_blocks_and_their_statistics_and_trains_the_rest()
    {
        using var temp = new TempFolder();
        var source = Source(temp);
        var config = Config() with { InitFrom = source, FreezeD = 2 };
        using var _ = GanTrainer.Train(Data(2), config, new RunFolder(temp["target"]));
        var before = Module(Checkpoint.Open(Path.Combine(source, Checkpoint.FileName))!, "d", config, 2);
        var after = Module(Checkpoint.Open(Path.Combine(temp["target"], Checkpoint.FileName))!, "d", config, 2);
        // DCGAN at 32 px: block 0 = main.0 (conv), block 1 = main.2/main.3 (conv, BatchNorm), block 2 = main.5/main.6.
        foreach (var key in new[] { "main.0.weight", "main.0.bias", "main.2.weight", "main.3.weight", "main.3.running_mean", "main.3.running_var" })
            Assert.True(after[key].eq(before[key]).all().item<bool>(), $"{key} changed although frozen");
        foreach (var key in new[] { "main.5.weight", "main.6.running_mean", "out.weight" })
            Assert.False(after[key].eq(before[key]).all().item<bool>(), $"{key} did not train");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(temp["target"], "config.json")))!;
        Assert.Equal(Path.GetFullPath(source), json["initialized_from"]!["run"]!.GetValue<string>());
        Assert.Equal(2, json["options"]!["freeze_d"]!.GetValue<int>());
    }

    [Fact]
    public void FreezeD_beyond_the_discriminators_blocks_is_refused()
    {
        using var temp = new TempFolder();
        var source = Source(temp);
        var e = Assert.Throws<InvalidOptionException>(() => GanTrainer.Train(Data(2), Config() with { InitFrom = source, FreezeD = 4 }, new RunFolder(temp["target"])));
        Assert.Contains("3 feature block(s)", e.Message);
    }

    sealed class CancelAfterFirstEpoch(CancellationTokenSource source) : TransferGen.Training.ICallback
    {
        public int Order => 1000;
        public void AfterEpoch(TrainingContext context)
        {
            if (context.Epoch == 0) source.Cancel();
        }
    }

    [Fact]
    public void A_transferred_frozen_run_resumes_to_the_same_model_as_an_uninterrupted_one()
    {
        using var temp = new TempFolder();
        var source = Source(temp);
        var config = Config(epochs: 2) with { InitFrom = source, FreezeD = 1 };
        using (GanTrainer.Train(Data(2), config, new RunFolder(temp["whole"]))) { }
        using (var cancel = new CancellationTokenSource())
            Assert.Throws<TrainingCancelledException>(() =>
                GanTrainer.Train(Data(2), config, new RunFolder(temp["parts"]), [new CancelAfterFirstEpoch(cancel)], cancellationToken: cancel.Token));
        using (GanTrainer.Resume(new RunFolder(temp["parts"]), dataset: Data(2))) { }
        Assert.Equal(File.ReadAllBytes(Path.Combine(temp["whole"], "model.pt")), File.ReadAllBytes(Path.Combine(temp["parts"], "model.pt")));
    }

    [Fact]
    public void The_command_line_refuses_bad_transfer_options_in_one_sentence()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["not-a-run"]);
        var notRun = CliRunner.Run("gan", "train", "--data", "fashion-mnist", "--out", temp["a"], "--init", temp["not-a-run"]);
        Assert.Equal(2, notRun.ExitCode);
        Assert.Contains("not-a-run", notRun.StdErr);
        var freezeAlone = CliRunner.Run("gan", "train", "--data", "fashion-mnist", "--out", temp["b"], "--freeze-d", "1");
        Assert.Equal(2, freezeAlone.ExitCode);
        Assert.Contains("--freeze-d", freezeAlone.StdErr);
        Assert.Contains("--init", freezeAlone.StdErr);
        Assert.DoesNotContain("Training", freezeAlone.StdErr);
    }
}
