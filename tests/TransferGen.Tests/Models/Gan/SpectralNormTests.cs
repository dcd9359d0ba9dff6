using TransferGen.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Models.Gan;

public class SpectralNormTests
{
    static double LargestSingularValue(Tensor weight) =>
        linalg.svdvals(weight.detach().reshape(weight.shape[0], -1).to_type(ScalarType.Float64)).max().item<double>();

    [Fact]
    public void NormalizedLinearWeightHasUnitSpectralNorm()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(7);
        var layer = nn.Linear(20, 30);
        using (no_grad()) layer.weight.mul_(5);                    // σ(W) well away from 1
        var sn = new SpectralNorm(layer);
        Assert.True(LargestSingularValue(layer.weight) > 2);
        for (var i = 0; i < 50; i++) sn.call(randn(4, 20));      // power iteration advances in training mode
        Assert.Equal(1.0, LargestSingularValue(sn.NormalizedWeight()), 3);
    }

    [Fact]
    public void NormalizedConvWeightHasUnitSpectralNormAndTheConvStillWorks()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(8);
        var conv = nn.Conv2d(3, 8, 4, stride: 2, padding: 1);
        var sn = new SpectralNorm(conv, iterations: 5);
        var y = sn.call(randn(2, 3, 16, 16));
        Assert.Equal(new long[] { 2, 8, 8, 8 }, y.shape);
        for (var i = 0; i < 20; i++) sn.NormalizedWeight();
        Assert.Equal(1.0, LargestSingularValue(sn.NormalizedWeight()), 3);

        // In eval mode the estimate is fixed, so the wrapper must equal the functional conv with W/σ.
        sn.eval();
        var x = randn(2, 3, 16, 16);
        var expected = nn.functional.conv2d(x, sn.NormalizedWeight(), conv.bias, new long[] { 2, 2 }, new long[] { 1, 1 });
        Assert.True(sn.call(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void EvalModeFreezesTheEstimateAndGradientsReachTheRawWeight()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(9);
        var layer = nn.Linear(6, 5);
        var sn = new SpectralNorm(layer);
        sn.eval();
        var u = sn.state_dict()["weight_u"].clone();
        sn.call(randn(3, 6)).sum().backward();
        Assert.True(sn.state_dict()["weight_u"].allclose(u, rtol: 0, atol: 0));
        Assert.NotNull(layer.weight.grad);
        Assert.True(layer.weight.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void TwoForwardsBeforeOneBackwardWork()
    {
        // The discriminator runs on real and fake images, then backpropagates once: the in-place update of u by the
        // second forward must not invalidate the first one's graph.
        using var scope = NewDisposeScope();
        var sn = new SpectralNorm(nn.Linear(4, 3));
        var loss = sn.call(randn(2, 4)).sum() + sn.call(randn(2, 4)).sum();
        loss.backward();
    }
}
