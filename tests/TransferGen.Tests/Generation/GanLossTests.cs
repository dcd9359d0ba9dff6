using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Generation;

public class GanLossTests
{
    /// <summary>A linear critic D(x) = w·flatten(x): its input gradient is w for every image.</summary>
    sealed class LinearCritic(Tensor w) : IDiscriminator
    {
        public int? ClassCount => null;
        public bool NeedsLabels => false;
        public ImageShape Shape => new(1, 2, 2);
        public (Tensor Logit, Tensor? ClassLogits) Forward(Tensor x, Tensor? labels = null) => (x.flatten(1).matmul(w), null);
    }

    static double Value(Tensor t) => t.item<float>();

    [Fact]
    public void NonSaturatingMatchesClosedForm()
    {
        using var scope = NewDisposeScope();
        var zero = zeros(4);
        Assert.Equal(2 * Math.Log(2), Value(GanLoss.Discriminator(GanLossKind.NonSaturating, zero, zero)), 5);
        Assert.Equal(Math.Log(2), Value(GanLoss.Generator(GanLossKind.NonSaturating, zero)), 5);
        // softplus(−3) + softplus(−1) for D; softplus(−(−1)) for G.
        var real = tensor(new[] { 3f });
        var fake = tensor(new[] { -1f });
        Assert.Equal(Math.Log(1 + Math.Exp(-3)) + Math.Log(1 + Math.Exp(-1)), Value(GanLoss.Discriminator(GanLossKind.NonSaturating, real, fake)), 5);
        Assert.Equal(Math.Log(1 + Math.Exp(1)), Value(GanLoss.Generator(GanLossKind.NonSaturating, fake)), 5);
        // Large logits stay finite (softplus, not log(sigmoid)).
        Assert.True(float.IsFinite(GanLoss.Discriminator(GanLossKind.NonSaturating, tensor(new[] { -200f }), tensor(new[] { 200f })).item<float>()));
    }

    [Fact]
    public void HingeAndWassersteinMatchClosedForm()
    {
        using var scope = NewDisposeScope();
        var real = tensor(new[] { 2f, 0f });      // relu(1−2)=0, relu(1−0)=1 → mean 0.5
        var fake = tensor(new[] { -2f, 1f });     // relu(1−2)=0, relu(1+1)=2 → mean 1
        Assert.Equal(1.5, Value(GanLoss.Discriminator(GanLossKind.Hinge, real, fake)), 5);
        Assert.Equal(0.5, Value(GanLoss.Generator(GanLossKind.Hinge, fake)), 5);
        Assert.Equal(-0.5 - 1.0, Value(GanLoss.Discriminator(GanLossKind.WganGp, real, fake)), 5);
        Assert.Equal(0.5, Value(GanLoss.Generator(GanLossKind.WganGp, fake)), 5);
    }

    [Fact]
    public void GradientPenaltyOfALinearCriticIsTheSquaredNormGap()
    {
        using var scope = NewDisposeScope();
        var w = tensor(new[] { 1f, 2f, 2f, 0f }).requires_grad_(true);    // ‖w‖ = 3
        var critic = new LinearCritic(w);
        var gp = GanLoss.GradientPenalty(critic, randn(5, 1, 2, 2), randn(5, 1, 2, 2));
        Assert.Equal(4.0, Value(gp), 4);                                   // (3 − 1)²
        // create_graph: the penalty has a gradient with respect to the critic's parameters: d(‖w‖−1)²/dw = 2(‖w‖−1)·w/‖w‖.
        gp.backward();
        Assert.True(w.grad!.allclose(tensor(new[] { 4f / 3, 8f / 3, 8f / 3, 0f }), rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void AuxiliaryTermIsCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var logits = zeros(3, 4);
        Assert.Equal(Math.Log(4), Value(GanLoss.AuxiliaryClassification(logits, tensor(new long[] { 0, 1, 3 }))), 5);
    }

    [Theory]
    [InlineData("ns", GanLossKind.NonSaturating)]
    [InlineData("Hinge", GanLossKind.Hinge)]
    [InlineData("wgan-gp", GanLossKind.WganGp)]
    public void NamesRoundTrip(string name, GanLossKind kind)
    {
        Assert.Equal(kind, GanLoss.Parse(name));
        Assert.Equal(kind, GanLoss.Parse(GanLoss.Name(kind)));
    }

    [Fact]
    public void UnknownLossNameIsAnInputException() =>
        Assert.Contains("lsgan", Assert.Throws<InputException>(() => GanLoss.Parse("lsgan")).Message);
}
