namespace TransferGen.Models.Gan;

/// <summary>How a class-conditional discriminator uses the labels.</summary>
public enum ConditionalDiscriminator
{
    /// <summary>
    /// Projection discriminator (Miyato &amp; Koyama 2018): logit = ψ(φ(x)) + ⟨embed(y), φ(x)⟩. Needs the labels in
    /// its forward pass.
    /// </summary>
    Projection,

    /// <summary>
    /// AC-GAN (Odena et al. 2017): an unconditional real/fake logit plus an auxiliary head that predicts the class;
    /// the class cross-entropy is added to both losses.
    /// </summary>
    AuxiliaryClassifier,
}

/// <summary>
/// Architecture options shared by every GAN in <see cref="GanFactory"/>. Names follow the DCGAN paper (nz, ngf, ndf).
/// A record, so a run folder can store it as JSON and a resume can rebuild the same networks.
/// </summary>
public sealed record GanOptions
{
    /// <summary>Latent size nz. Default 100, as in DCGAN.</summary>
    public int Nz { get; init; } = 100;

    /// <summary>Generator width ngf: channels of the last hidden DCGAN layer (doubling towards the input). Default 64.</summary>
    public int Ngf { get; init; } = 64;

    /// <summary>Discriminator width ndf: channels of the first DCGAN layer (doubling towards the output). Default 64.</summary>
    public int Ndf { get; init; } = 64;

    /// <summary>Hidden units of the MLP baseline's generator and discriminator. Default 512.</summary>
    public int MlpHidden { get; init; } = 512;

    /// <summary>
    /// Size of the class embedding concatenated to z in a conditional generator. Default 50: enough to separate a few
    /// hundred classes, small next to nz so the noise still drives diversity.
    /// </summary>
    public int ClassEmbeddingDim { get; init; } = 50;

    /// <summary>How a conditional discriminator uses labels ("cdcgan" only). Default projection.</summary>
    public ConditionalDiscriminator Conditioning { get; init; } = ConditionalDiscriminator.Projection;

    /// <summary>Wraps every conv/linear layer of the discriminator in <see cref="SpectralNorm"/>. Default off.</summary>
    public bool SpectralNorm { get; init; }

    /// <summary>Power iterations per training forward of each spectral-norm layer. Default 1 (as Miyato et al.).</summary>
    public int SpectralNormIterations { get; init; } = 1;

    /// <summary>
    /// BatchNorm in the DCGAN discriminator's hidden layers. Null (default) means "on unless <see cref="SpectralNorm"/>",
    /// as in the DCGAN and SN-GAN papers. Turn it off for WGAN-GP: the gradient penalty is per image, and BatchNorm
    /// makes each image's score depend on the rest of the batch.
    /// </summary>
    public bool? DiscriminatorBatchNorm { get; init; }

    /// <summary>The effective BatchNorm choice after applying the default rule.</summary>
    public bool UseDiscriminatorBatchNorm => DiscriminatorBatchNorm ?? !SpectralNorm;

    /// <summary>
    /// The pretrained-feature discriminator (<c>--d-backbone</c>): when set, every architecture trains against a
    /// <see cref="ProjectedDiscriminator"/> instead of its own discriminator (a conditional one by projection). Null
    /// (default): the architecture's own.
    /// </summary>
    public ProjectedDiscriminatorOptions? Projected { get; init; }

    /// <summary>Throws <see cref="InputException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        // The upper limits are far above any useful network and keep a damaged config.json from building a huge one.
        if (Nz is < 1 or > 4096) throw new InvalidOptionException($"{{0}} (the latent size nz) must be between 1 and 4096 (got {Nz}).", "GanOptions.Nz");
        if (Ngf is < 1 or > 1024) throw new InvalidOptionException($"{{0}} (the generator width) must be between 1 and 1024 (got {Ngf}).", "GanOptions.Ngf");
        if (Ndf is < 1 or > 1024) throw new InvalidOptionException($"{{0}} (the discriminator width) must be between 1 and 1024 (got {Ndf}).", "GanOptions.Ndf");
        if (MlpHidden is < 1 or > 8192) throw new InvalidOptionException($"{{0}} (the MLP hidden size) must be between 1 and 8192 (got {MlpHidden}).", "GanOptions.MlpHidden");
        if (ClassEmbeddingDim is < 1 or > 4096) throw new InvalidOptionException($"{{0}} (the class embedding size) must be between 1 and 4096 (got {ClassEmbeddingDim}).", "GanOptions.ClassEmbeddingDim");
        if (SpectralNormIterations is < 1 or > 100) throw new InvalidOptionException($"{{0}} must be between 1 and 100 power iterations (got {SpectralNormIterations}).", "GanOptions.SpectralNormIterations");
        if (!Enum.IsDefined(Conditioning)) throw new InvalidOptionException($"{{0}} {(int)Conditioning} is not a conditioning kind.", "GanOptions.Conditioning");
        if (Projected is not null)
        {
            Projected.Validate();
            if (Conditioning != ConditionalDiscriminator.Projection)
                throw new InvalidOptionException("The pretrained-feature discriminator ({0}) conditions by projection only; leave out {1}.",
                    "ProjectedDiscriminatorOptions.DBackbone", "GanOptions.Conditioning");
        }
    }
}
