using TorchSharp;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Models.Gan;
using TransferGen.Tests.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Generation;

public class GanStepTests
{
    public static TheoryData<string, GanLossKind> Cases()
    {
        var data = new TheoryData<string, GanLossKind>();
        foreach (var variant in new[] { "mlp", "dcgan", "dcgan-sn", "cdcgan-proj", "cdcgan-ac" })
            foreach (var loss in Enum.GetValues<GanLossKind>())
                data.Add(variant, loss);
        return data;
    }

    static Tensor Snapshot(nn.Module module) => cat(module.parameters().Select(p => p.detach().flatten()).ToArray());

    [Theory]
    [MemberData(nameof(Cases))]
    public void OneStepRunsChangesBothNetworksAndLeaksNothing(string variant, GanLossKind loss)
    {
        var shape = new ImageShape(1, 28, 28);
        // WGAN-GP wants a per-image critic: no BatchNorm in D.
        var (g, d) = TinyGan.Create(variant, shape, classes: 3, batchNorm: loss == GanLossKind.WganGp ? false : null);
        var options = new GanStepOptions { Loss = loss, GeneratorLearningRate = 1e-3, DiscriminatorLearningRate = 1e-3 };
        var (optG, optD) = options.CreateOptimizers(g, d);
        using var rng = new torch.Generator(42);
        using var real = rand(new long[] { 4, 1, 28, 28 }, generator: rng).mul_(2).sub_(1);
        using var labels = tensor(new long[] { 0, 1, 2, 1 });

        var first = GanStep.Run(g, d, optG, optD, real, labels, options, rng);   // warm-up: lazily created state
        Assert.True(first.IsFinite, first.ToString());

        using var g0 = Snapshot(g);
        using var d0 = Snapshot(d);
        var stats = DisposeScopeManager.Statistics;
        var (live, outside, detached) = (stats.ThreadTotalLiveCount, stats.CreatedOutsideScopeCount, stats.DetachedFromScopeCount);
        for (var i = 0; i < 3; i++)
        {
            var result = GanStep.Run(g, d, optG, optD, real, labels, options, rng);
            Assert.True(result.IsFinite, result.ToString());
        }
        // Nothing created during the steps survives them: every tensor lived in the step's scope.
        Assert.Equal(live, stats.ThreadTotalLiveCount);
        Assert.Equal(outside, stats.CreatedOutsideScopeCount);
        Assert.Equal(detached, stats.DetachedFromScopeCount);

        using var g1 = Snapshot(g);
        using var d1 = Snapshot(d);
        Assert.False(g0.allclose(g1), "generator parameters did not change");
        Assert.False(d0.allclose(d1), "discriminator parameters did not change");
    }

    [Fact]
    public void AugmentationSeesTheRealAndTheDetachedFakeInTheDStepAndTheFakeWithItsGradientInTheGStep()
    {
        var (g, d) = TinyGan.Create("cdcgan-proj", new ImageShape(1, 28, 28));
        var options = new GanStepOptions();
        var (optG, optD) = options.CreateOptimizers(g, d);
        using var rng = new torch.Generator(3);
        using var real = rand(new long[] { 4, 1, 28, 28 }, generator: rng).mul_(2).sub_(1);
        using var labels = tensor(new long[] { 0, 1, 2, 1 });
        var seen = new List<(bool IsReal, bool NeedsGrad)>();
        Tensor Record(Tensor images)
        {
            seen.Add((ReferenceEquals(images, real), images.requires_grad));
            return images.flip(3);   // a differentiable change D would notice
        }

        var result = GanStep.Run(g, d, optG, optD, real, labels, options, rng, augment: Record);

        Assert.Equal([(true, false), (false, false), (false, true)], seen);
        Assert.InRange(result.DRealSign, -1, 1);
        Assert.Equal(0, GanStep.Run(g, d, optG, optD, real, labels, options, rng).DRealSign);   // measured only when augmenting
    }

    [Fact]
    public void ConditionalStepWithoutLabelsIsRejected()
    {
        var (g, d) = TinyGan.Create("cdcgan-ac", new ImageShape(1, 28, 28));
        var options = new GanStepOptions();
        var (optG, optD) = options.CreateOptimizers(g, d);
        using var real = zeros(2, 1, 28, 28);
        Assert.Throws<ArgumentException>(() => GanStep.Run(g, d, optG, optD, real, null, options));
    }

    [Fact]
    public void DefaultsAreDcgansAdam()
    {
        var o = new GanStepOptions();
        Assert.Equal((0.5, 0.999, 2e-4, 2e-4, 10.0), (o.Beta1, o.Beta2, o.GeneratorLearningRate, o.DiscriminatorLearningRate, o.GradientPenaltyWeight));
        Assert.Equal(["GanStepOptions.Beta1"], Assert.Throws<InvalidOptionException>(() => (o with { Beta1 = 1.0 }).Validate()).Properties);
    }

    [Fact]
    public void ModeSeekingIsLargeWhenTwoLatentsDrawTheSameImageAndSmallWhenTheyDiffer()
    {
        using var scope = NewDisposeScope();
        var za = zeros(2, 4);
        var zb = ones(2, 4);                        // mean |za − zb| = 1
        var a = zeros(2, 1, 3, 3);
        Assert.Equal(1e5, GanLoss.ModeSeeking(a, a.clone(), za, zb).item<float>(), 1e5 * 1e-3);
        Assert.Equal(1 / (0.5 + 1e-5), GanLoss.ModeSeeking(a, a + 0.5, za, zb).item<float>(), 1e-3);
    }
}
