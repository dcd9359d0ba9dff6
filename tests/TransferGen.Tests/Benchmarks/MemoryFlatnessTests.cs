using TransferGen.Benchmarks.Memory;
using TransferGen.Models.Gan;
using TransferGen.Tests.Transfer;

namespace TransferGen.Tests.Benchmarks;

/// <summary>
/// Memory stays flat over long runs: after a 2,000-step warm-up (in which the GC and C heaps size themselves), RSS
/// after 2,000 more small GAN steps is within 5 % of RSS after 200, and not one tensor more is alive; fine-tune steps
/// (batch loader, augmentation, validation, best-model snapshots) leave no tensor behind either. Serial, because RSS
/// is the whole process's and parallel tests would move it. `transfergen bench memory` measures RSS of the fine-tune
/// path with ResNet18 too; it is too slow for the suite.
/// </summary>
[Collection(nameof(SerialTorchTests))]
public sealed class MemoryFlatnessTests
{
    static readonly long[] SampleAt = [200, 2000];
    const long Warmup = 2000;

    [Fact]
    public void Finetune_steps_leave_no_live_tensor_behind()
    {
        TinyBackbone.Register();
        var run = MemoryWorkloads.FineTune([50, 300], warmup: 20, seed: 1, backbone: TinyBackbone.Name, countFinalized: true);
        Assert.Equal(2, run.Samples.Count);   // at the ends of the epochs that reach steps 50 and 300
        Assert.True(run.LiveTensorGrowth == 0, $"finetune: {run.LiveTensorGrowth} more live tensors after 300 steps than after 50");
        // Not disposed but unreachable is a leak too, only a slower one: the finalizer frees it whenever the GC runs.
        Assert.True(run.Samples[1].FinalizedTensors is not null, "the garbage collector ran between the samples; the count is unknown");
        Assert.True(run.Samples[1].FinalizedTensors == 0,
            $"finetune: {run.Samples[1].FinalizedTensors} tensors from steps 50 to 300 were never disposed (left to the finalizer)");
    }

    [Fact]
    public void Gan_steps_keep_rss_and_live_tensors_flat()
    {
        var run = MemoryWorkloads.Gan(SampleAt, Warmup, seed: 1, new GanOptions { Nz = 16, Ngf = 8, Ndf = 8 });
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
