using TorchSharp;
using TransferGen.Benchmarks;
using static TorchSharp.torch;

namespace TransferGen.Tests.Benchmarks;

/// <summary>W3's two paths compute the same step, and its default is the real GanStep.</summary>
[Collection(nameof(TransferGen.Tests.Transfer.SerialTorchTests))]   // bit-for-bit: no other test may change LibTorch's thread count meanwhile
public class DcganStepWorkloadTests
{
    static Tensor[] WeightsAfterSteps(WorkloadOptions options, int steps)
    {
        using var workload = new DcganStepWorkload(options);
        for (var i = 0; i < steps; i++)
            using (NewDisposeScope())
                workload.Step();
        return workload.Generator.parameters().Select(p => p.detach().clone()).ToArray();
    }

    [Fact]
    public void The_default_runs_GanStep_and_the_spelled_out_copy_computes_the_same_weights()
    {
        using (var standard = new DcganStepWorkload(DcganStepWorkload.Standard with { BatchSize = 2 }))
            Assert.True(standard.UsesGanStep);
        Assert.Same(DcganStepWorkload.Standard, ThroughputSuite.Defaults(2));

        // Fresh noise in both; gradients zeroed by the optimizers (GanStep) or set to none (the spelled-out copy):
        // Adam sees the same gradients either way, so the weights agree to the bit.
        var viaGanStep = WeightsAfterSteps(DcganStepWorkload.Standard with { BatchSize = 4 }, steps: 2);
        var spelledOut = WeightsAfterSteps(DcganStepWorkload.Standard with { BatchSize = 4, GradientsToNone = true }, steps: 2);
        try
        {
            Assert.Equal(viaGanStep.Length, spelledOut.Length);
            for (var i = 0; i < viaGanStep.Length; i++)
                using (NewDisposeScope())
                    Assert.True(viaGanStep[i].eq(spelledOut[i]).all().item<bool>(), $"parameter {i} differs");
        }
        finally
        {
            foreach (var t in viaGanStep.Concat(spelledOut)) t.Dispose();
        }
    }
}
