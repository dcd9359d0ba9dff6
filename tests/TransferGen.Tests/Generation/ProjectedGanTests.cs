using TransferGen.Generation;
using TransferGen.Models;
using TransferGen.Models.Gan;
using TransferGen.Tests.Data;
using TransferGen.Tests.Models.Gan;
using TransferGen.Tests.Transfer;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Tests.Generation;

/// <summary>GAN runs with a pretrained-feature discriminator, in process, on the tiny stand-in backbone.</summary>
[Collection(nameof(SerialTorchTests))]   // bit-for-bit resumes: no other test may change LibTorch's thread count meanwhile
public class ProjectedGanTests
{
    static string TinyIdx(TempFolder temp, int count)
    {
        var folder = temp.Folder("data");
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 4)).ToArray();
        TestFiles.WriteIdxPair(folder, "train", TestFiles.Pattern(count, 28 * 28), count, 28, 28, labels, gzip: false);
        TestFiles.WriteIdxPair(folder, "t10k", TestFiles.Pattern(count, 28 * 28, salt: 3), count, 28, 28, labels, gzip: false);
        return folder;
    }

    static GanTrainingConfig Config(string data, string backbone, int epochs, string arch = "cdcgan") => ProjectedGanDefaults.Apply(new GanTrainingConfig
    {
        Data = data,
        Arch = arch,
        BatchSize = 8,
        Epochs = epochs,
        Seed = 4,
        Model = new GanOptions
        {
            Ngf = 8,
            Ndf = 8,
            Projected = new ProjectedDiscriminatorOptions { DBackbone = backbone, DResolution = 32, DStages = ["stem", "layer1", "layer2"] },
        },
        BackboneResolver = name => RunBackbone.IsFolderName(name) ? RunBackbone.Load(name) : null,
    }, lossChosen: false, augmentationChosen: false, modeSeekingChosen: false);

    static void AssertSameRun(string straight, string resumed)
    {
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "model.pt")), File.ReadAllBytes(Path.Combine(resumed, "model.pt")));
        var a = RunFolder.ReadJson<MetricsFile>(Path.Combine(straight, "metrics.json")).History;
        var b = RunFolder.ReadJson<MetricsFile>(Path.Combine(resumed, "metrics.json")).History;
        Assert.Equal(a.Count, b.Count);
        foreach (var (x, y) in a.Zip(b))
            foreach (var key in new[] { "train_d_loss", "train_g_loss", "train_d_real", "train_d_fake" })
                Assert.Equal(x[key], y[key]);   // bit for bit
    }

    sealed record MetricsFile(List<Dictionary<string, double>> History);

    [Fact]
    public void A_registry_backbone_run_records_its_choice_and_resumes_bit_exactly()
    {
        using var temp = new TempFolder();
        var data = TinyIdx(temp, 16);
        TinyFeatureBackbone.Register();
        using (var straight = GanTrainer.Train(Config(data, TinyFeatureBackbone.Name, 2), temp["straight"])) Assert.False(straight.Diverged);
        using (GanTrainer.Train(Config(data, TinyFeatureBackbone.Name, 1), temp["resumed"])) { }
        using (GanTrainer.Resume(new RunFolder(temp["resumed"]), epochs: 2)) { }
        AssertSameRun(temp["straight"], temp["resumed"]);

        var config = GanRunConfig.Read(new RunFolder(temp["resumed"])).Options;
        Assert.Equal(GanLossKind.Hinge, config.Step.Loss);   // the projected defaults
        Assert.Equal(ProjectedGanDefaults.Augmentation, config.Augmentation);
        Assert.Equal(ProjectedGanDefaults.ModeSeekingWeight, config.Step.ModeSeekingWeight);
        var projected = config.Model.Projected!;
        Assert.Equal(FrozenBackboneWeights.Registry, projected.Weights);
        Assert.Equal(TinyFeatureBackbone.Name, projected.Architecture);
        Assert.NotNull(projected.ProjectionSeed);
        Assert.Equal(64, projected.Fingerprint!.Length);

        // `gan sample` / `gan evaluate` load only the generator, from config.json and model.pt.
        using var generator = ImageGenerator.Load(temp["resumed"]);
        Assert.Equal([4L, 1, 32, 32], generator.Sample(4, classIndex: 1).shape);
    }

    [Fact]
    public void A_fine_tuned_classifier_backbone_is_saved_with_the_run_so_a_resume_needs_no_source_run()
    {
        using var temp = new TempFolder();
        TinyFeatureBackbone.Register();
        var source = temp["classifier"];
        var fineTune = new FineTuneOptions
        {
            Backbone = TinyFeatureBackbone.Name, Freeze = FreezePolicy.Parse("none"), MinSteps = 0, ImageSize = 16, BatchSize = 8, Epochs = 1,
            LearningRate = 0.05, Seed = 1, Workers = 1,
        };
        using (ImageClassifier.FineTune(StripeData.Dataset(trainPerClass: 16, testPerClass: 4), fineTune, source)) { }

        var data = TinyIdx(temp, 16);
        using (GanTrainer.Train(Config(data, source, 2, arch: "dcgan"), temp["straight"])) { }
        using (GanTrainer.Train(Config(data, source, 1, arch: "dcgan"), temp["resumed"])) { }
        var projected = GanRunConfig.Read(new RunFolder(temp["resumed"])).Options.Model.Projected!;
        Assert.Equal(FrozenBackboneWeights.Checkpoint, projected.Weights);
        Assert.Equal(RunBackbone.FullName(source), projected.DBackbone);
        Assert.Equal(TinyFeatureBackbone.Name, projected.Architecture);
        Assert.True(projected.GrayBackbone);   // the classifier was trained on gray stripes
        Assert.Equal(GanRunConfig.Read(new RunFolder(temp["straight"])).Options.Model.Projected!.Fingerprint, projected.Fingerprint);
        // The fine-tuned weights, not the registry's built-in ones, are the frozen features.
        using (var imagenetLike = new ProjectedDiscriminator(new TransferGen.Data.ImageShape(1, 32, 32), null,
                   new GanOptions { Ndf = 8, Projected = projected with { Weights = FrozenBackboneWeights.Registry } }))
            Assert.NotEqual(imagenetLike.BackboneFingerprint(), projected.Fingerprint);

        // The source run may change or go away: the checkpoint holds the tapped stages.
        Directory.Move(source, temp["classifier-moved"]);
        using (GanTrainer.Resume(new RunFolder(temp["resumed"]), epochs: 2)) { }
        AssertSameRun(temp["straight"], temp["resumed"]);
    }

    [Fact]
    public void A_run_folder_without_a_resolver_or_an_unknown_name_is_refused_in_one_sentence()
    {
        using var temp = new TempFolder();
        var data = TinyIdx(temp, 16);
        var unknown = Config(data, "resnet99-imagenet", 1);
        var e = Assert.Throws<InvalidOptionException>(() => GanTrainer.Train(unknown, temp["a"]));
        Assert.Contains("Unknown backbone 'resnet99-imagenet'", e.Message);
        Assert.Contains("resnet18-imagenet", e.Message);   // the known ones are listed
        Assert.DoesNotContain("resnet50,", e.Message);      // but not those without built-in weights
        Assert.False(Directory.Exists(temp["a"]) && Directory.EnumerateFileSystemEntries(temp["a"]).Any(), "a refused run left files");

        var folder = temp.Folder("not-a-run");
        var noResolver = Config(data, folder, 1) with { BackboneResolver = null };
        Assert.Contains("no GanTrainingConfig.BackboneResolver", Assert.Throws<InvalidOptionException>(() => GanTrainer.CheckDiscriminatorBackbone(noResolver)).Message);
        var notClassifier = Assert.ThrowsAny<InputException>(() => GanTrainer.CheckDiscriminatorBackbone(Config(data, folder, 1)));
        Assert.Contains("not a run folder", notClassifier.Message);

        var untrained = Config(data, "resnet50", 1);
        Assert.Contains("no built-in weights", Assert.Throws<InvalidOptionException>(() => GanTrainer.CheckDiscriminatorBackbone(untrained)).Message);
    }
}
