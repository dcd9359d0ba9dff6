using TorchSharp;
using TransferGen.Data;
using static TorchSharp.torch;

namespace TransferGen.Models.Gan;

/// <summary>
/// What a GAN trainer, sampler or evaluator needs from a generator, whatever its architecture.
/// </summary>
public interface IGenerator
{
    /// <summary>Length of the latent vector z (nz in the DCGAN paper).</summary>
    int LatentDim { get; }

    /// <summary>Number of classes the generator is conditioned on; null for an unconditional generator.</summary>
    int? ClassCount { get; }

    /// <summary>Shape of one generated image.</summary>
    ImageShape Shape { get; }

    /// <summary>
    /// Maps latent vectors z (float [B, <see cref="LatentDim"/>]) and, for a conditional generator, class labels
    /// (int64 [B]) to images float [B, C, H, W] in [-1, 1] (tanh output).
    /// </summary>
    Tensor Generate(Tensor z, Tensor? labels = null);
}

/// <summary>
/// Base of every TransferGen generator: a TorchSharp module (so optimizers, state dicts and train/eval work as
/// usual) that is also an <see cref="IGenerator"/>. Its forward takes (z, labels) and returns images in [-1, 1].
/// </summary>
public abstract class GanGenerator : nn.Module<Tensor, Tensor?, Tensor>, IGenerator
{
    /// <summary>Records the generator's signature; subclasses build their layers, then call RegisterComponents().</summary>
    protected GanGenerator(string name, ImageShape shape, int latentDim, int? classCount) : base(name)
    {
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), "the latent size must be positive");
        if (classCount is < 2) throw new ArgumentOutOfRangeException(nameof(classCount), "a conditional generator needs at least 2 classes");
        Shape = shape;
        LatentDim = latentDim;
        ClassCount = classCount;
    }

    /// <inheritdoc />
    public int LatentDim { get; }

    /// <inheritdoc />
    public int? ClassCount { get; }

    /// <inheritdoc />
    public ImageShape Shape { get; }

    /// <inheritdoc />
    public Tensor Generate(Tensor z, Tensor? labels = null) => call(z, labels);

    /// <summary>
    /// Throws a clear <see cref="ArgumentException"/> when z or the labels do not fit this generator: shape errors deep
    /// inside LibTorch name no layer, so catching them at the door saves a debugging session.
    /// </summary>
    protected void CheckInputs(Tensor z, Tensor? labels)
    {
        if (z.dim() != 2 || z.shape[1] != LatentDim)
            throw new ArgumentException($"z must be [B, {LatentDim}], got [{string.Join(", ", z.shape)}]", nameof(z));
        if (ClassCount is null) return;
        if (labels is null)
            throw new ArgumentException("this generator is class-conditional: labels are required", nameof(labels));
        if (labels.dim() != 1 || labels.shape[0] != z.shape[0] || labels.dtype != ScalarType.Int64)
            throw new ArgumentException($"labels must be int64 [{z.shape[0]}], got {labels.dtype} [{string.Join(", ", labels.shape)}]", nameof(labels));
    }
}
