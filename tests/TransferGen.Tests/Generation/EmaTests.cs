using TransferGen.Generation;
using static TorchSharp.torch;

namespace TransferGen.Tests.Generation;

public class EmaTests
{
    sealed class Tiny : nn.Module<Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Linear fc = nn.Linear(2, 1);
        readonly TorchSharp.Modules.BatchNorm1d bn = nn.BatchNorm1d(1);

        public Tiny() : base(nameof(Tiny)) => RegisterComponents();

        public override Tensor forward(Tensor x) => bn.call(fc.call(x));

        public void Set(float w, float b)
        {
            using var _ = no_grad();
            fc.weight.fill_(w);
            fc.bias!.fill_(b);
        }

        public Tensor Weight => fc.weight;
        public Tensor Bias => fc.bias!;
        public Tensor RunningMean => bn.running_mean!;
    }

    [Fact]
    public void UpdateIsTheExponentialMovingAverageAndBuffersAreCopied()
    {
        var source = new Tiny();
        var shadow = new Tiny();
        source.Set(1f, 0f);
        var ema = new Ema<Tiny>(source, shadow, decay: 0.9);
        Assert.Equal(1f, shadow.Weight[0, 0].item<float>());              // starts as a copy

        source.Set(3f, 2f);
        using (no_grad()) source.RunningMean.fill_(5f);
        ema.Update();
        Assert.Equal(0.9 * 1 + 0.1 * 3, shadow.Weight[0, 0].item<float>(), 5);
        Assert.Equal(0.9 * 0 + 0.1 * 2, shadow.Bias[0].item<float>(), 5);
        Assert.Equal(5f, shadow.RunningMean[0].item<float>());            // buffers are copied, not averaged

        ema.Update();                                                      // source unchanged: gap shrinks by 0.9 again
        Assert.Equal(3 - 0.9 * 0.9 * 2, shadow.Weight[0, 0].item<float>(), 5);
        Assert.Equal(2, ema.Updates);
        Assert.False(shadow.Weight.requires_grad);
    }

    [Fact]
    public void MismatchedShadowIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new Ema<nn.Module>(nn.Linear(2, 1), nn.Linear(3, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ema<nn.Module>(nn.Linear(2, 1), nn.Linear(2, 1), decay: 1.0));
    }
}
