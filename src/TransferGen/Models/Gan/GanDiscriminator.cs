using TorchSharp;
using TransferGen.Data;
using static TorchSharp.torch;

namespace TransferGen.Models.Gan;

/// <summary>
/// What a GAN trainer needs from a discriminator (critic), whatever its architecture.
/// </summary>
public interface IDiscriminator
{
    /// <summary>Number of classes the discriminator knows about; null for an unconditional one.</summary>
    int? ClassCount { get; }

    /// <summary>True when <see cref="Forward"/> needs the labels (a projection discriminator).</summary>
    bool NeedsLabels { get; }

    /// <summary>Shape of the images it judges.</summary>
    ImageShape Shape { get; }

    /// <summary>
    /// Judges images float [B, C, H, W] in [-1, 1]. Returns one raw score per image (<c>Logit</c>, float [B]; no
    /// sigmoid, the losses apply what they need) and, for an auxiliary-classifier discriminator, class logits
    /// float [B, K] (otherwise null). <paramref name="labels"/> (int64 [B]) are required when
    /// <see cref="NeedsLabels"/>, ignored otherwise.
    /// </summary>
    (Tensor Logit, Tensor? ClassLogits) Forward(Tensor x, Tensor? labels = null);
}

/// <summary>
/// Base of every TransferGen discriminator: a TorchSharp module that is also an <see cref="IDiscriminator"/>.
/// </summary>
public abstract class GanDiscriminator : nn.Module<Tensor, Tensor?, (Tensor Logit, Tensor? ClassLogits)>, IDiscriminator
{
    /// <summary>Records the discriminator's signature; subclasses build their layers, then call RegisterComponents().</summary>
    protected GanDiscriminator(string name, ImageShape shape, int? classCount, bool needsLabels) : base(name)
    {
        if (classCount is < 2) throw new ArgumentOutOfRangeException(nameof(classCount), "a conditional discriminator needs at least 2 classes");
        Shape = shape;
        ClassCount = classCount;
        NeedsLabels = needsLabels;
    }

    /// <inheritdoc />
    public int? ClassCount { get; }

    /// <inheritdoc />
    public bool NeedsLabels { get; }

    /// <inheritdoc />
    public ImageShape Shape { get; }

    /// <inheritdoc />
    public (Tensor Logit, Tensor? ClassLogits) Forward(Tensor x, Tensor? labels = null) => call(x, labels);

    /// <summary>
    /// The feature blocks from the input up (each a convolution or dense layer with its normalisation and activation),
    /// which FreezeD (Mo et al. 2020) may freeze from the first; the output and class heads are not among them. Empty
    /// for a discriminator whose lower layers cannot be frozen this way.
    /// </summary>
    public virtual IReadOnlyList<IReadOnlyList<nn.Module>> FeatureBlocks => [];

    /// <summary>Throws a clear <see cref="ArgumentException"/> when the images or labels do not fit.</summary>
    protected void CheckInputs(Tensor x, Tensor? labels)
    {
        if (x.dim() != 4 || x.shape[1] != Shape.Channels || x.shape[2] != Shape.Height || x.shape[3] != Shape.Width)
            throw new ArgumentException($"images must be [B, {Shape.Channels}, {Shape.Height}, {Shape.Width}], got [{string.Join(", ", x.shape)}]", nameof(x));
        if (!NeedsLabels) return;
        if (labels is null)
            throw new ArgumentException("this discriminator is class-conditional: labels are required", nameof(labels));
        if (labels.dim() != 1 || labels.shape[0] != x.shape[0] || labels.dtype != ScalarType.Int64)
            throw new ArgumentException($"labels must be int64 [{x.shape[0]}], got {labels.dtype} [{string.Join(", ", labels.shape)}]", nameof(labels));
    }
}
