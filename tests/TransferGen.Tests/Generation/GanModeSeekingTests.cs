using TorchSharp;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Tests.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Generation;

// Two steps must compute the same D loss to the last bit: no other test may draw from the global torch RNG (the
// networks' initialisation) or change LibTorch's thread count meanwhile.
[Collection(nameof(TransferGen.Tests.Transfer.SerialTorchTests))]
public class GanModeSeekingTests
{
    [Fact]
    public void ModeSeekingAddsOnlyToTheGeneratorLoss()
    {
        // Unconditional, so the fakes' labels do not change: the D update is the same, and G's loss grows by λ·term.
        GanStepResult Step(double weight)
        {
            torch.manual_seed(3);
            var (g, d) = TinyGan.Create("dcgan", new ImageShape(1, 28, 28));
            var options = new GanStepOptions { ModeSeekingWeight = weight };
            var (optG, optD) = options.CreateOptimizers(g, d);
            using var rng = new torch.Generator(7);
            using var real = rand(new long[] { 4, 1, 28, 28 }, generator: rng).mul_(2).sub_(1);
            return GanStep.Run(g, d, optG, optD, real, null, options, rng);
        }
        var plain = Step(0);
        var seeking = Step(1);
        Assert.Equal(plain.DLoss, seeking.DLoss);
        Assert.True(seeking.GLoss > plain.GLoss + 0.1, $"{seeking.GLoss} vs {plain.GLoss}");
        Assert.Throws<InvalidOptionException>(() => new GanStepOptions { ModeSeekingWeight = -1 }.Validate());
    }
}
