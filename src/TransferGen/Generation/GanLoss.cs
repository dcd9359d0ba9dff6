using TorchSharp;
using TransferGen.Models.Gan;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TransferGen.Generation;

/// <summary>The adversarial objective.</summary>
public enum GanLossKind
{
    /// <summary>
    /// The standard GAN loss with the non-saturating generator objective (Goodfellow et al. 2014), in softplus form:
    /// D minimizes softplus(−D(x)) + softplus(D(G(z))), G minimizes softplus(−D(G(z))).
    /// </summary>
    NonSaturating,

    /// <summary>Hinge loss (Lim &amp; Ye 2017; SN-GAN, SAGAN): D minimizes relu(1−D(x)) + relu(1+D(G(z))), G minimizes −D(G(z)).</summary>
    Hinge,

    /// <summary>
    /// WGAN-GP (Gulrajani et al. 2017): D minimizes D(G(z)) − D(x) + λ·(‖∇D(x̂)‖ − 1)², G minimizes −D(G(z)).
    /// Use a discriminator without BatchNorm.
    /// </summary>
    WganGp,
}

/// <summary>The GAN loss terms as pure functions of discriminator outputs. Each returns a scalar tensor (batch mean).</summary>
public static class GanLoss
{
    /// <summary>The names the CLI accepts, in the order of <see cref="GanLossKind"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["ns", "hinge", "wgan-gp"];

    /// <summary>Parses "ns" (also "standard", "bce"), "hinge" or "wgan-gp"; an <see cref="InputException"/> otherwise.</summary>
    public static GanLossKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "ns" or "standard" or "bce" or "nonsaturating" or "non-saturating" => GanLossKind.NonSaturating,
        "hinge" => GanLossKind.Hinge,
        "wgan-gp" or "wgangp" or "wgan_gp" => GanLossKind.WganGp,
        _ => throw new InputException($"Unknown GAN loss '{name}' (choose one of: {string.Join(", ", Names)})."),
    };

    /// <summary>The short name of <paramref name="kind"/> ("ns", "hinge", "wgan-gp").</summary>
    public static string Name(GanLossKind kind) => Names[(int)kind];

    /// <summary>The discriminator's adversarial loss (without gradient penalty) from its logits on real and fake images ([B] each).</summary>
    public static Tensor Discriminator(GanLossKind kind, Tensor realLogit, Tensor fakeLogit) => kind switch
    {
        GanLossKind.NonSaturating => F.softplus(-realLogit).mean() + F.softplus(fakeLogit).mean(),
        GanLossKind.Hinge => F.relu(1.0 - realLogit).mean() + F.relu(1.0 + fakeLogit).mean(),
        GanLossKind.WganGp => fakeLogit.mean() - realLogit.mean(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The generator's adversarial loss from the discriminator's logits on fake images ([B]).</summary>
    public static Tensor Generator(GanLossKind kind, Tensor fakeLogit) => kind switch
    {
        GanLossKind.NonSaturating => F.softplus(-fakeLogit).mean(),
        GanLossKind.Hinge or GanLossKind.WganGp => -fakeLogit.mean(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// The WGAN-GP gradient penalty E[(‖∇ₓ̂ D(x̂)‖₂ − 1)²] at random points x̂ = αx + (1−α)x̃ on lines between real and
    /// fake images (α ~ U[0, 1] per image), without the weight λ. Built with create_graph so its backward reaches D's
    /// parameters.
    /// </summary>
    /// <param name="d">The critic.</param>
    /// <param name="real">Real images [B, C, H, W].</param>
    /// <param name="fake">Fake images [B, C, H, W] (detached from G).</param>
    /// <param name="labels">Labels for a conditional critic (the interpolates keep the real images' labels).</param>
    /// <param name="generator">Random source for α; the global one when null.</param>
    public static Tensor GradientPenalty(IDiscriminator d, Tensor real, Tensor fake, Tensor? labels = null, Generator? generator = null)
    {
        var alpha = rand(new[] { real.shape[0], 1L, 1L, 1L }, dtype: real.dtype, device: real.device, generator: generator);   // [B, 1, 1, 1]
        var mixed = (alpha * real.detach() + (1.0 - alpha) * fake.detach()).requires_grad_(true);                              // x̂: [B, C, H, W]
        var (logit, _) = d.Forward(mixed, labels);
        // Summing the per-image logits gives each image's own gradient: images do not interact (no BatchNorm).
        // retain_graph too: unlike PyTorch, TorchSharp does not default it to create_graph, and the penalty's backward
        // needs the forward graph's saved tensors.
        var grad = autograd.grad(new[] { logit.sum() }, new[] { mixed }, retain_graph: true, create_graph: true)[0];         // [B, C, H, W]
        // √(Σg² + ε) instead of norm(): same value, but a finite gradient if some ∇ is exactly zero.
        var norm = (grad.flatten(1).square().sum(1) + 1e-12).sqrt();                                                         // [B]
        return (norm - 1.0).square().mean();
    }

    /// <summary>The AC-GAN auxiliary term: cross-entropy of class logits [B, K] against labels (int64 [B]).</summary>
    public static Tensor AuxiliaryClassification(Tensor classLogits, Tensor labels) => F.cross_entropy(classLogits, labels);

    /// <summary>
    /// MSGAN's mode-seeking term for paired images [P, C, H, W] drawn from latents [P, nz]: 1 / (mean|a − b| /
    /// mean|za − zb| + 1e-5). Near zero when the images change with z, large when two latents draw the same image.
    /// </summary>
    public static Tensor ModeSeeking(Tensor a, Tensor b, Tensor za, Tensor zb)
    {
        var ratio = (a - b).abs().mean() / (za - zb).abs().mean();
        return 1.0 / (ratio + 1e-5);
    }
}
