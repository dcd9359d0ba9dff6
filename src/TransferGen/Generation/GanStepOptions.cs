using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>
/// What one GAN training step needs besides the networks: the loss, its weights, and the Adam settings used to build
/// the two optimizers. A record, so a run folder can store it as JSON.
/// </summary>
public sealed record GanStepOptions
{
    /// <summary>Adversarial loss. Default non-saturating.</summary>
    public GanLossKind Loss { get; init; } = GanLossKind.NonSaturating;

    /// <summary>Gradient-penalty weight λ for WGAN-GP. Default 10 (Gulrajani et al.).</summary>
    public double GradientPenaltyWeight { get; init; } = 10.0;

    /// <summary>Weight of the AC-GAN class cross-entropy, used when the discriminator has a class head. Default 1.</summary>
    public double AuxiliaryWeight { get; init; } = 1.0;

    /// <summary>
    /// Generator learning rate. Default 2e-4 (DCGAN). Separate from <see cref="DiscriminatorLearningRate"/> for the
    /// two-time-scale update rule (Heusel et al. 2017), e.g. 1e-4 / 4e-4 as in SAGAN.
    /// </summary>
    public double GeneratorLearningRate { get; init; } = 2e-4;

    /// <summary>Discriminator learning rate. Default 2e-4 (DCGAN).</summary>
    public double DiscriminatorLearningRate { get; init; } = 2e-4;

    /// <summary>
    /// Weight λ of the mode-seeking term (MSGAN, Mao et al. 2019) in the generator loss: λ / (mean|G(z1) − G(z2)| /
    /// mean|z1 − z2| + ε) over pairs of latents with the same class, which punishes a generator whose images do not
    /// change with z (within-class mode collapse). The step then pairs the batch's two halves under the first half's
    /// labels. Default 0 (off; the step is then exactly as before). MSGAN used 1.
    /// </summary>
    public double ModeSeekingWeight { get; init; }

    /// <summary>Adam β1. Default 0.5 (DCGAN; 0.9 makes GAN training oscillate). WGAN-GP's paper used 0.</summary>
    public double Beta1 { get; init; } = 0.5;

    /// <summary>Adam β2. Default 0.999. WGAN-GP's paper used 0.9.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>
    /// Creates Adam for the generator and for the discriminator with these rates and betas, over the parameters that
    /// require gradients (a pretrained-feature discriminator's frozen backbone gets no optimizer state).
    /// </summary>
    public (optim.Optimizer Generator, optim.Optimizer Discriminator) CreateOptimizers(nn.Module generator, nn.Module discriminator) =>
        (optim.Adam(generator.parameters().Where(p => p.requires_grad), GeneratorLearningRate, Beta1, Beta2),
         optim.Adam(discriminator.parameters().Where(p => p.requires_grad), DiscriminatorLearningRate, Beta1, Beta2));

    /// <summary>Throws <see cref="InputException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (!(GradientPenaltyWeight >= 0)) throw new InvalidOptionException($"{{0}} must be ≥ 0 (got {GradientPenaltyWeight}).", "GanStepOptions.GradientPenaltyWeight");
        if (!(AuxiliaryWeight >= 0)) throw new InvalidOptionException($"{{0}} must be ≥ 0 (got {AuxiliaryWeight}).", "GanStepOptions.AuxiliaryWeight");
        if (!(ModeSeekingWeight >= 0)) throw new InvalidOptionException($"{{0}} must be ≥ 0 (got {ModeSeekingWeight}).", "GanStepOptions.ModeSeekingWeight");
        if (!(GeneratorLearningRate > 0)) throw new InvalidOptionException($"{{0}} must be > 0 (got {GeneratorLearningRate}).", "GanStepOptions.GeneratorLearningRate");
        if (!(DiscriminatorLearningRate > 0)) throw new InvalidOptionException($"{{0}} must be > 0 (got {DiscriminatorLearningRate}).", "GanStepOptions.DiscriminatorLearningRate");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new InvalidOptionException($"{{0}} (Adam β1) must be in [0, 1) (got {Beta1}).", "GanStepOptions.Beta1");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new InvalidOptionException($"{{0}} (Adam β2) must be in [0, 1) (got {Beta2}).", "GanStepOptions.Beta2");
    }
}
