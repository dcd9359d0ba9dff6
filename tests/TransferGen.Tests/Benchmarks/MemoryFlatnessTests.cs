using TransferGen.Benchmarks.Memory;
using TransferGen.Models.Gan;
using TransferGen.Tests.Transfer;

namespace TransferGen.Tests.Benchmarks;

/// <summary>
/// Memory stays flat over long runs: RSS after 2,000 small steps within 5 % of RSS after 200, and not one more live
/// tensor. Serial, because RSS is the whole process's and parallel tests would move it.
/// </summary>
[Collection(nameof(SerialTorchTests))]
public sealed class MemoryFlatnessTests
{
    static readonly long[] SampleAt = [200, 2000];

    [Fact]
    public void Finetune_steps_keep_rss_and_live_tensors_flat()
    {
        TinyBackbone.Register();
        var run = MemoryWorkloads.FineTune(SampleAt, seed: 1, backbone: TinyBackbone.Name);
        AssertFlat(run);
    }

    [Fact]
    public void Gan_steps_keep_rss_and_live_tensors_flat()
    {
        var run = MemoryWorkloads.Gan(SampleAt, seed: 1, new GanOptions { Nz = 16, Ngf = 8, Ndf = 8 });
        AssertFlat(run);
    }

    static void AssertFlat(MemoryRun run)
    {
        Assert.Equal(SampleAt, run.Samples.Select(s => s.Step));
        Assert.True(run.LiveTensorGrowth == 0, $"{run.Name}: {run.LiveTensorGrowth} more live tensors after {SampleAt[1]} steps than after {SampleAt[0]}");
        Assert.True(run.RssRatio <= 1.05,
            $"{run.Name}: RSS grew from {run.Samples[0].RssMiB:F1} MiB to {run.Samples[1].RssMiB:F1} MiB (×{run.RssRatio:F3})");
    }
}
