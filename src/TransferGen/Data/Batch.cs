using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Data;

/// <summary>
/// A batch of transformed images with their labels. The receiver owns it: its tensors belong to no
/// DisposeScope (they may have been made on a loader thread), so dispose the batch (<c>using var batch</c>) or
/// hand its tensors to a scope with <see cref="AttachTo"/>.
/// </summary>
public sealed class Batch : IDisposable
{
    /// <summary>Creates a batch; it takes ownership of both tensors.</summary>
    public Batch(Tensor images, Tensor labels, IReadOnlyList<int> indices)
    {
        Images = images;
        Labels = labels;
        Indices = indices;
    }

    /// <summary>Images, float32 [B, C, H, W].</summary>
    public Tensor Images { get; }

    /// <summary>Class indices, int64 [B].</summary>
    public Tensor Labels { get; }

    /// <summary>Index in the split of each image, in batch order.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Number of images (B).</summary>
    public int Count => Indices.Count;

    /// <summary>Lets <c>var (images, labels) = batch;</c> work; the batch still owns the tensors.</summary>
    public void Deconstruct(out Tensor images, out Tensor labels)
    {
        images = Images;
        labels = Labels;
    }

    /// <summary>
    /// Puts both tensors in <paramref name="scope"/> (typically the training step's), which then disposes
    /// them; returns this batch. Needed because a DisposeScope manages only tensors, not the batch object.
    /// </summary>
    public Batch AttachTo(DisposeScope scope)
    {
        scope.Attach(Images, Labels);
        return this;
    }

    /// <summary>Disposes both tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
