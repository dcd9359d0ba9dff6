using TorchSharp;
using TransferGen.Models.Gan;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>What one GAN step measured, as plain numbers (no tensors to dispose).</summary>
/// <param name="DLoss">Discriminator loss, including the gradient penalty and the auxiliary term when present.</param>
/// <param name="GLoss">Generator loss, including the auxiliary term when present.</param>
/// <param name="DReal">Mean raw discriminator output (logit) on the real batch, before D's update. For the
/// non-saturating loss, sigmoid of a logit is the D(x) probability of pytorch/examples dcgan.</param>
/// <param name="DFake">Mean raw discriminator output on the fake batch, before D's update.</param>
public readonly record struct GanStepResult(float DLoss, float GLoss, float DReal, float DFake)
{
    /// <summary>
    /// Mean sign of D's logits on the real batch it saw (augmented, when the step augments), before D's update: ADA's
    /// overfitting signal r. Measured only by a step that augments (0 otherwise).
    /// </summary>
    public float DRealSign { get; init; }

    /// <summary>True when all four numbers are finite: a trainer's NaN stop can test this.</summary>
    public bool IsFinite => float.IsFinite(DLoss) && float.IsFinite(GLoss) && float.IsFinite(DReal) && float.IsFinite(DFake);
}

/// <summary>
/// One GAN training step, as in pytorch/examples dcgan: sample z, generate one fake batch the size of the real one,
/// then "update D" on real vs detached fake, then "update G" through the freshly updated D.
/// </summary>
public static class GanStep
{
    /// <summary>
    /// Runs one step. Everything it allocates lives in one dispose scope, so nothing leaks; the returned numbers are
    /// copied out first.
    /// </summary>
    /// <param name="g">The generator (in training mode).</param>
    /// <param name="d">The discriminator (in training mode).</param>
    /// <param name="optG">Optimizer over G's parameters.</param>
    /// <param name="optD">Optimizer over D's parameters.</param>
    /// <param name="real">Real images float [B, C, H, W] in [-1, 1], on the networks' device.</param>
    /// <param name="labels">The real images' labels int64 [B]; required when G or D is conditional. Fakes are generated
    /// with the same labels, so the fake batch has the data's class mix and matching size.</param>
    /// <param name="options">Loss kind and weights.</param>
    /// <param name="generator">Random source for z (and the penalty's α); the global one when null.</param>
    /// <param name="minimizer">Carries out each update (zero_grad, backward, step): the training loop's context, which
    /// fires the step events around it; <see cref="ILossMinimizer.Plain"/> when null.</param>
    /// <param name="augment">
    /// A differentiable augmentation of everything D sees (DiffAugment, ADA), e.g. a policy's
    /// <see cref="Augmentation.DiffAugment.Apply"/> with its own seeded generator: applied, with fresh random draws each
    /// time, to the real and the fake batch in the D update and to the fake batch in the G update, whose gradient flows
    /// through it into G. Null: D sees the batches themselves.
    /// </param>
    public static GanStepResult Run(IGenerator g, IDiscriminator d, optim.Optimizer optG, optim.Optimizer optD,
        Tensor real, Tensor? labels, GanStepOptions options, Generator? generator = null, ILossMinimizer? minimizer = null,
        Func<Tensor, Tensor>? augment = null)
    {
        minimizer ??= ILossMinimizer.Plain;
        var conditional = g.ClassCount is not null || d.NeedsLabels || d.ClassCount is not null;
        if (conditional && labels is null)
            throw new ArgumentException("a conditional GAN step needs the real batch's labels", nameof(labels));
        if (real.dim() != 4)
            throw new ArgumentException($"the real batch must be [B, C, H, W], got [{string.Join(", ", real.shape)}]", nameof(real));

        using var scope = NewDisposeScope();
        var batch = real.shape[0];
        var modeSeeking = options.ModeSeekingWeight > 0 && batch >= 2;
        var half = batch / 2;
        // Mode seeking compares image i with image i + B/2, so both halves are drawn for the first half's classes.
        var fakeLabels = !conditional ? null
            : modeSeeking ? cat([labels!.narrow(0, 0, half), labels!.narrow(0, 0, batch - half)], 0)
            : labels;
        var z = randn(new[] { batch, (long)g.LatentDim }, dtype: real.dtype, device: real.device, generator: generator);   // [B, nz]
        var fake = g.Generate(z, g.ClassCount is null ? null : fakeLabels);                                               // [B, C, H, W]

        // (1) Update D: minimize the discriminator loss on real vs fake (fake detached: no gradient into G). With an
        // augmentation, D sees augmented batches only, so it cannot tell real from fake by the augmentation itself.
        var realSeen = augment is null ? real : augment(real);                  // [B, C, H, W]
        var fakeSeen = augment is null ? fake.detach() : augment(fake.detach());
        var (realLogit, realClass) = d.Forward(realSeen, labels);
        var (fakeLogit, fakeClass) = d.Forward(fakeSeen, fakeLabels);
        var dLoss = GanLoss.Discriminator(options.Loss, realLogit, fakeLogit);
        if (options.Loss == GanLossKind.WganGp)
            dLoss = dLoss + options.GradientPenaltyWeight * GanLoss.GradientPenalty(d, realSeen, augment is null ? fake : fakeSeen, fakeLabels, generator);
        if (realClass is not null && fakeClass is not null)
            dLoss = dLoss + options.AuxiliaryWeight * (GanLoss.AuxiliaryClassification(realClass, labels!)
                                                      + GanLoss.AuxiliaryClassification(fakeClass, fakeLabels!));
        minimizer.Minimize(dLoss, optD);

        // (2) Update G: fool the updated D. D's parameters get gradients too; D's next update zeroes them first.
        var (fakeLogitForG, fakeClassForG) = d.Forward(augment is null ? fake : augment(fake), fakeLabels);
        var gLoss = GanLoss.Generator(options.Loss, fakeLogitForG);
        if (fakeClassForG is not null)
            gLoss = gLoss + options.AuxiliaryWeight * GanLoss.AuxiliaryClassification(fakeClassForG, fakeLabels!);
        if (modeSeeking)
            gLoss = gLoss + options.ModeSeekingWeight * GanLoss.ModeSeeking(fake.narrow(0, 0, half), fake.narrow(0, half, half), z.narrow(0, 0, half), z.narrow(0, half, half));
        minimizer.Minimize(gLoss, optG);

        return new GanStepResult(
            dLoss.item<float>(), gLoss.item<float>(),
            realLogit.detach().mean().item<float>(), fakeLogit.detach().mean().item<float>())
        {
            DRealSign = augment is null ? 0 : realLogit.detach().sign().mean().item<float>(),
        };
    }
}
