using TorchSharp;
using TransferGen.Benchmarks;
using static TorchSharp.torch;

namespace TransferGen.Tests.Benchmarks;

/// <summary>The real workloads at tiny batches: they run, leak nothing per step, and channels-last changes only layout.</summary>
public class WorkloadTests
{
    [Theory]
    [InlineData(false, true, true)]
    [InlineData(true, false, true)]
    [InlineData(false, false, false)]   // the standard settings: GanStep.Run
    [InlineData(true, false, false)]
    public void A_dcgan_step_leaves_no_tensor_behind(bool channelsLast, bool reuseInputs, bool gradientsToNone)
    {
        using var workload = new DcganStepWorkload(new WorkloadOptions
            { BatchSize = 2, ChannelsLast = channelsLast, ReuseInputs = reuseInputs, GradientsToNone = gradientsToNone });
        Assert.Equal(!reuseInputs && !gradientsToNone, workload.UsesGanStep);
        var harness = new ThroughputHarness();
        harness.Measure(workload, warmup: 1, repeats: 1);   // lazily created optimizer state

        var stats = DisposeScopeManager.Statistics;
        var (live, outside, detached) = (stats.ThreadTotalLiveCount, stats.CreatedOutsideScopeCount, stats.DetachedFromScopeCount);
        var result = harness.Measure(workload, warmup: 0, repeats: 3);

        Assert.Equal(live, stats.ThreadTotalLiveCount);
        Assert.Equal(outside, stats.CreatedOutsideScopeCount);
        Assert.Equal(detached, stats.DetachedFromScopeCount);
        Assert.True(result.ImagesPerSecond > 0);
    }

    [Fact]
    public void Channels_last_copies_keep_values_and_convolution_results()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var x = torch.randn(2, 3, 5, 4);
        var y = ChannelsLast.Of(x);
        Assert.True(ChannelsLast.Is(y));
        Assert.False(ChannelsLast.Is(x));
        Assert.True(x.eq(y).all().item<bool>());

        var conv = nn.Conv2d(3, 6, 3, padding: 1);
        var expected = conv.call(x);
        ChannelsLast.Convert(conv);
        Assert.True(ChannelsLast.Is(conv.weight!));
        Assert.True(expected.allclose(conv.call(y), rtol: 1e-4, atol: 1e-5));

        var nested = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Sequential(nn.ConvTranspose2d(4, 2, 4, 2, 1)));
        ChannelsLast.Convert(nested);
        Assert.All(nested.parameters().Where(p => p.dim() == 4), p => Assert.True(ChannelsLast.Is(p)));
    }
}
