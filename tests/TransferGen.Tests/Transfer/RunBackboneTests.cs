using TransferGen.Models;
using TransferGen.Tests.Data;
using TransferGen.Training;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Tests.Transfer;

/// <summary>Pretraining, then a run folder as the backbone of a fine-tune (the original design's two steps).</summary>
[Collection(nameof(SerialTorchTests))]
public class RunBackboneTests
{
    static FineTuneOptions Tiny => new()
    {
        MinSteps = 0,
        ImageSize = 16,
        BatchSize = 8,
        LearningRate = 0.01,
        Epochs = 1,
        ProbeEpochs = 1,
        Seed = 3,
        Workers = 1,
    };

    static readonly string[] TargetClasses = ["across", "down"];

    /// <summary>Pretrains the tiny backbone on gray stripes into <paramref name="folder"/>/<paramref name="name"/>.</summary>
    static string Pretrain(TempFolder folder, string name, GrayscaleMode gray = GrayscaleMode.Replicate)
    {
        var architecture = TinyBackbone.Register().Name;
        Pretraining.Create(architecture, Tiny with { Gray = gray }).Run(StripeData.Dataset(trainPerClass: 12, withTest: false), new RunFolder(folder[name]))
            .Model.Dispose();
        return folder[name];
    }

    static Dictionary<string, Tensor> BackboneState(ImageClassifier model) => model.Network.Backbone.state_dict();

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.allclose(b, rtol: 0, atol: 0);

    [Fact]
    public void A_fine_tune_on_a_pretrain_run_starts_from_its_trained_backbone_and_converts_colour_to_its_gray()
    {
        using var folder = new TempFolder();
        var source = Pretrain(folder, "pretrain");
        var sourceConfig = RunFolder.ReadJson<RunConfig>(Path.Combine(source, "config.json"));
        Assert.Equal("pretrain", sourceConfig.Kind);
        Assert.True(sourceConfig.Options.FromScratch);
        Assert.Equal(FreezeKind.None, sourceConfig.Options.Freeze.Kind);
        Assert.Equal(1, sourceConfig.Options.BackboneLrFactor);

        // --freeze all: the probe never changes the backbone, so the new run's backbone is the pretrained one.
        var target = StripeData.Dataset(trainPerClass: 12, testPerClass: 4, channels: 3, classes: TargetClasses, seed: 5);
        var result = new FineTuner(Tiny with { Backbone = source, Freeze = FreezePolicy.Parse("all") }).Run(target, new RunFolder(folder["target"]));
        result.Model.Dispose();
        Assert.InRange(result.TestAccuracy!.Value, 0, 1);

        var config = RunFolder.ReadJson<RunConfig>(Path.Combine(folder["target"], "config.json"));
        Assert.Equal(Path.GetFullPath(source), config.Backbone);
        Assert.Equal(Path.GetFullPath(source), config.Options.Backbone);
        Assert.Equal(WeightsChoice.Builtin, config.Weights);
        Assert.Equal(sourceConfig.Preprocessing.Mean, config.Preprocessing.Mean);

        using var pretrained = ImageClassifier.Load(source);
        using var tuned = ImageClassifier.Load(folder["target"]);
        var expected = BackboneState(pretrained);
        var actual = BackboneState(tuned);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, tensor) in expected) Assert.True(Same(tensor, actual[key]), $"{key} differs from the pretrained backbone");
        Assert.Equal(2, tuned.Network.ClassCount);
        // The source run saw gray images: colour target images are made gray, then replicated for the RGB statistics.
        Assert.Contains("RgbToGrayscale", tuned.Transform.ToString());
        Assert.Equal(3, tuned.Config.DataChannels);
        using var evaluation = Evaluator.Run(tuned.Network, target["test"], tuned.Transform, 8);
        Assert.InRange(evaluation.Accuracy(), 0, 1);
    }

    [Fact]
    public void A_run_backbone_keeps_its_adapted_gray_input_and_its_stages_for_partial_freezing()
    {
        using var folder = new TempFolder();
        var source = Pretrain(folder, "pretrain-adapt", GrayscaleMode.Adapt);
        var spec = BackboneResolver.Get(source);
        Assert.Equal(1, spec.InputChannels);
        Assert.Single(spec.Preprocessing.Mean);
        Assert.Equal(["stem", "layer1", "layer2"], spec.Stages.Select(s => s.Name));

        var target = StripeData.Dataset(trainPerClass: 12, testPerClass: 4, channels: 3, classes: TargetClasses, seed: 5);
        new FineTuner(Tiny with { Backbone = source, Freeze = FreezePolicy.Parse("until:layer1"), Epochs = 2 })
            .Run(target, new RunFolder(folder["target"])).Model.Dispose();

        using var pretrained = ImageClassifier.Load(source);
        using var tuned = ImageClassifier.Load(folder["target"]);
        var before = BackboneState(pretrained);
        var after = BackboneState(tuned);
        Assert.Equal([8L, 1, 3, 3], after["conv1.weight"].shape);
        Assert.True(Same(before["conv1.weight"], after["conv1.weight"]), "a frozen stage changed");
        Assert.True(Same(before["layer1.0.weight"], after["layer1.0.weight"]), "a frozen stage changed");
        Assert.False(Same(before["layer2.0.weight"], after["layer2.0.weight"]), "the trainable stage did not train");
    }

    [Fact]
    public void An_unknown_backbone_name_lists_the_registered_ones_and_mentions_run_folders()
    {
        var e = Assert.Throws<InputException>(() => BackboneResolver.Get("resnet9000"));
        Assert.Contains("resnet18-imagenet", e.Message);
        Assert.Contains("run folder", e.Message);
        Assert.Same(BackboneRegistry.Get("RESNET18"), BackboneResolver.Get("resnet18"));
    }

    [Fact]
    public void Folders_that_are_no_usable_run_are_one_sentence_input_errors()
    {
        using var folder = new TempFolder();
        var source = Pretrain(folder, "pretrain");

        // Models knows registered names only; run folders are resolved by Transfer.
        Assert.Contains("Unknown backbone", Assert.Throws<InputException>(() => BackboneRegistry.Get(source)).Message);

        var empty = folder.Folder("empty");
        Assert.Contains("no config.json", Assert.Throws<InputException>(() => BackboneResolver.Get(empty)).Message);
        Assert.Contains("no such run folder", Assert.Throws<InputException>(() => BackboneResolver.Get(folder["missing/run"])).Message);

        var unfinished = folder.Folder("unfinished");
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(unfinished, "config.json"));
        Assert.Contains("no model.pt", Assert.Throws<InputException>(() => BackboneResolver.Get(unfinished)).Message);

        var other = folder.Folder("other");
        File.WriteAllText(Path.Combine(other, "config.json"), "{\"arch\": \"dcgan\"}");
        File.Copy(Path.Combine(source, "model.pt"), Path.Combine(other, "model.pt"));
        Assert.Contains("not the run folder", Assert.Throws<InputException>(() => BackboneResolver.Get(other)).Message);

        // A config.json that records another architecture than model.pt holds.
        var mismatched = folder.Folder("mismatched");
        File.Copy(Path.Combine(source, "model.pt"), Path.Combine(mismatched, "model.pt"));
        File.WriteAllText(Path.Combine(mismatched, "config.json"),
            File.ReadAllText(Path.Combine(source, "config.json")).Replace("\"backbone\": \"tiny-test\"", "\"backbone\": \"resnet18\""));
        Assert.Equal(512, BackboneResolver.Get(mismatched).FeatureDim);
        var error = Assert.Throws<InputException>(() => new FineTuner(Tiny with { Backbone = mismatched }).Run(StripeData.Dataset(12, 4)));
        Assert.Contains("does not fit the architecture", error.Message);
        Assert.DoesNotContain('\n', error.Message);

        // Writing the new run over its own backbone run would destroy it.
        var modelBefore = File.ReadAllBytes(Path.Combine(source, "model.pt"));
        Assert.Throws<InputException>(() => new FineTuner(Tiny with { Backbone = source }).Run(StripeData.Dataset(12, 4), new RunFolder(source)));
        Assert.Throws<InputException>(() => new FineTuner(Tiny with { Backbone = source }).Run(StripeData.Dataset(12, 4), new RunFolder(source), overwrite: true));
        Assert.Equal(modelBefore, File.ReadAllBytes(Path.Combine(source, "model.pt")));
    }
}
