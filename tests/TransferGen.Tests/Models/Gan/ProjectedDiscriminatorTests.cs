using TorchSharp;
using TorchSharp.Modules;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Models.Gan;

/// <summary>The pretrained-feature discriminator on a tiny random-weights stand-in backbone (the real ResNet18: StageTapsTests, ProjectedGanCommandTests).</summary>
public class ProjectedDiscriminatorTests
{
    /// <summary>Same shape and the very same values.</summary>
    internal static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static Dictionary<string, Tensor> Copy(IEnumerable<(string name, Parameter parameter)> parameters) =>
        parameters.ToDictionary(p => p.name, p => p.parameter.detach().clone());

    [Theory]
    [InlineData(1, null)]
    [InlineData(3, null)]
    [InlineData(1, 4)]
    public void Scores_one_logit_per_image(int channels, int? classes)
    {
        torch.manual_seed(0);
        using var d = TinyFeatureBackbone.Discriminator(new ImageShape(channels, 28, 28), classes);
        using var scope = NewDisposeScope();
        var images = rand(5, channels, 28, 28).mul(2).sub(1);
        var labels = classes is null ? null : tensor(new long[] { 0, 1, 2, 3, 0 });
        var (logit, classLogits) = d.Forward(images, labels);
        Assert.Equal([5L], logit.shape);
        Assert.Null(classLogits);
        Assert.True(logit.isfinite().all().item<bool>());
        Assert.Equal(3, d.Projections.Count);   // stem, layer1, layer2 tapped
        Assert.Equal(classes is not null, d.NeedsLabels);
    }

    [Fact]
    public void A_step_changes_the_heads_but_not_the_frozen_backbone_or_the_projections()
    {
        torch.manual_seed(1);
        var options = TinyFeatureBackbone.Options();
        var (g, d) = GanFactory.Create("dcgan", new ImageShape(1, 32, 32), 0, options with { Ngf = 8 });
        using var _g = g;
        using var _d = d;
        var projected = Assert.IsType<ProjectedDiscriminator>(d);
        var step = new GanStepOptions { Loss = GanLossKind.Hinge, DiscriminatorLearningRate = 1e-2 };
        var (optG, optD) = step.CreateOptimizers(g, d);
        g.train();
        d.train();
        Assert.All(projected.Backbone.parameters(), p => Assert.False(p.requires_grad));
        Assert.False(projected.Backbone.training);   // eval mode, though the discriminator trains
        var backboneBefore = projected.Backbone.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var headsBefore = Copy(projected.named_parameters().Where(p => p.parameter.requires_grad));
        var projectionsBefore = projected.Projections.Select(p => p.clone()).ToList();
        Assert.NotEmpty(headsBefore);

        using var rng = new torch.Generator(3);
        using var real = rand([8, 1, 32, 32], generator: rng).mul_(2).sub_(1);
        for (var i = 0; i < 2; i++) Assert.True(GanStep.Run(g, d, optG, optD, real, null, step, rng).IsFinite);

        // Buffers too: BatchNorm's running statistics stay as loaded.
        foreach (var (key, value) in projected.Backbone.state_dict())
            Assert.True(Same(value, backboneBefore[key]), $"frozen backbone tensor {key} changed");
        foreach (var (before, after) in projectionsBefore.Zip(projected.Projections))
            Assert.True(Same(before, after), "a fixed projection changed");
        var changed = projected.named_parameters().Where(p => p.parameter.requires_grad)
            .Count(p => !Same(p.parameter.detach(), headsBefore[p.name]));
        Assert.Equal(headsBefore.Count, changed);   // every head parameter was updated
        Assert.Equal(headsBefore.Count, projected.TrainableParameters().Count());
        foreach (var t in backboneBefore.Values.Concat(headsBefore.Values).Concat(projectionsBefore)) t.Dispose();
        optG.Dispose();
        optD.Dispose();
    }

    [Fact]
    public void Gradient_reaches_the_generator_images_through_the_frozen_backbone()
    {
        torch.manual_seed(2);
        using var d = TinyFeatureBackbone.Discriminator();
        using var scope = NewDisposeScope();
        var images = (rand(4, 1, 32, 32).mul(2).sub(1)).requires_grad_(true);
        var (logit, _) = d.Forward(images);
        logit.sum().backward();
        var grad = images.grad;
        Assert.NotNull(grad);
        Assert.True(grad!.abs().sum().item<float>() > 0, "no gradient reached the images");
        // Every image gets its own gradient (the frozen BatchNorm uses its statistics, not the batch's).
        Assert.All(Enumerable.Range(0, 4), i => Assert.True(grad[i].abs().sum().item<float>() > 0));
        Assert.All(d.Backbone.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Projections_come_from_the_seed_and_survive_save_and_load()
    {
        torch.manual_seed(3);
        using var a = TinyFeatureBackbone.Discriminator(seed: 5);
        torch.manual_seed(4);   // other weights for the heads ...
        using var b = TinyFeatureBackbone.Discriminator(seed: 5);
        using var other = TinyFeatureBackbone.Discriminator(seed: 6);
        foreach (var (pa, pb) in a.Projections.Zip(b.Projections)) Assert.True(Same(pa, pb), "same seed, different projections");
        Assert.False(Same(a.Projections[0], other.Projections[0]), "the seed does not change the projection");
        Assert.False(Same(a.named_parameters().First(p => p.parameter.requires_grad).parameter,
            b.named_parameters().First(p => p.parameter.requires_grad).parameter));   // ... and the heads do differ

        // A saved discriminator reloads exactly into a fresh one: projections, heads and spectral-norm vectors.
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) a.save(writer);
        stream.Position = 0;
        using (var reader = new BinaryReader(stream)) other.load(reader);
        var expected = a.state_dict();
        var loaded = other.state_dict();
        Assert.Equal(expected.Keys.Order(), loaded.Keys.Order());
        foreach (var (key, value) in expected) Assert.True(Same(value, loaded[key]), $"{key} differs after load");
        using var scope = NewDisposeScope();
        var images = rand(3, 1, 32, 32).mul(2).sub(1);
        a.eval();
        other.eval();
        Assert.True(Same(a.Forward(images).Logit, other.Forward(images).Logit));
    }

    [Fact]
    public void State_dict_leaves_out_a_registry_backbone_and_keeps_only_the_tapped_stages_of_a_checkpointed_one()
    {
        torch.manual_seed(5);
        using var registry = TinyFeatureBackbone.Discriminator();
        Assert.DoesNotContain(registry.state_dict().Keys, k => k.StartsWith("features.", StringComparison.Ordinal));
        Assert.Contains(registry.state_dict().Keys, k => k.StartsWith("scales.0.ccm", StringComparison.Ordinal));

        var options = TinyFeatureBackbone.Options(stages: ["stem", "layer1"]);
        options = options with { Projected = options.Projected! with { Weights = FrozenBackboneWeights.Checkpoint } };
        using var stored = new ProjectedDiscriminator(new ImageShape(1, 32, 32), null, options);
        var backboneKeys = stored.state_dict().Keys.Where(k => k.StartsWith("features.backbone.", StringComparison.Ordinal)).ToList();
        Assert.Contains("features.backbone.conv1.weight", backboneKeys);
        Assert.Contains("features.backbone.layer1.1.running_mean", backboneKeys);
        Assert.DoesNotContain(backboneKeys, k => k.Contains(".layer2.", StringComparison.Ordinal));   // not tapped: rebuilt, never used
    }

    [Fact]
    public void The_conditional_projection_term_depends_on_the_labels()
    {
        torch.manual_seed(6);
        using var d = TinyFeatureBackbone.Discriminator(classes: 3);
        d.eval();
        using var scope = NewDisposeScope();
        var images = rand(4, 1, 32, 32).mul(2).sub(1);
        var a = d.Forward(images, tensor(new long[] { 0, 0, 0, 0 })).Logit;
        var b = d.Forward(images, tensor(new long[] { 1, 2, 1, 2 })).Logit;
        var again = d.Forward(images, tensor(new long[] { 0, 0, 0, 0 })).Logit;
        Assert.True(Same(a, again));
        Assert.All(Enumerable.Range(0, 4), i => Assert.NotEqual(a[i].item<float>(), b[i].item<float>()));
        Assert.Throws<ArgumentException>(() => d.Forward(images));   // conditional: labels are required
    }

    [Fact]
    public void Steps_leave_no_tensor_behind()
    {
        torch.manual_seed(7);
        var options = TinyFeatureBackbone.Options() with { Ngf = 8 };
        var (g, d) = GanFactory.Create("cdcgan", new ImageShape(1, 32, 32), 3, options);
        using var _g = g;
        using var _d = d;
        var step = new GanStepOptions { Loss = GanLossKind.Hinge };
        var (optG, optD) = step.CreateOptimizers(g, d);
        using var rng = new torch.Generator(3);
        using var real = rand([4, 1, 32, 32], generator: rng).mul_(2).sub_(1);
        using var labels = tensor(new long[] { 0, 1, 2, 1 });
        GanStep.Run(g, d, optG, optD, real, labels, step, rng);   // warm-up: Adam's state
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 3; i++) GanStep.Run(g, d, optG, optD, real, labels, step, rng);
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        optG.Dispose();
        optD.Dispose();
    }

    [Theory]
    [InlineData(GanLossKind.NonSaturating)]
    [InlineData(GanLossKind.Hinge)]
    [InlineData(GanLossKind.WganGp)]   // the penalty's double backward runs through the frozen backbone too
    public void Every_loss_takes_a_finite_step(GanLossKind loss)
    {
        torch.manual_seed(8);
        var (g, d) = GanFactory.Create("dcgan", new ImageShape(1, 32, 32), 0, TinyFeatureBackbone.Options() with { Ngf = 8 });
        using var _g = g;
        using var _d = d;
        var step = new GanStepOptions { Loss = loss };
        var (optG, optD) = step.CreateOptimizers(g, d);
        using var rng = new torch.Generator(3);
        using var real = rand([4, 1, 32, 32], generator: rng).mul_(2).sub_(1);
        var result = GanStep.Run(g, d, optG, optD, real, null, step, rng);
        Assert.True(result.IsFinite, result.ToString());
        optG.Dispose();
        optD.Dispose();
    }

    [Theory]
    [InlineData(24, 28, "at least 28")]
    [InlineData(64, 28, "no stage 'layer9'")]
    public void Options_that_do_not_fit_are_refused_in_one_sentence(int resolution, int imageSize, string expected)
    {
        var options = TinyFeatureBackbone.Options(resolution, expected.Contains("layer9") ? ["layer1", "layer9"] : null);
        var e = Assert.ThrowsAny<InputException>(() => new ProjectedDiscriminator(new ImageShape(1, imageSize, imageSize), null, options));
        Assert.Contains(expected, e.Message);
    }
}
