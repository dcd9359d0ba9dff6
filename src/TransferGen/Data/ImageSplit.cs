using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Data;

/// <summary>
/// One split of a dataset (train, test, val): a list of labelled images that can be read one at a time.
/// Images come back as uint8 tensors [C, H, W] on the CPU, owned by the caller; transforms turn them into
/// float tensors. Reading is thread-safe, so a background loader may read while training runs.
/// </summary>
public abstract class ImageSplit
{
    /// <summary>Split name: "train", "test", "val", ...</summary>
    public abstract string Name { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Count;

    /// <summary>Class index of every image, in order.</summary>
    public abstract IReadOnlyList<int> Labels { get; }

    /// <summary>
    /// The shape of the images. For sources with images of mixed sizes (an ImageFolder), the most common shape;
    /// <see cref="UniformShape"/> then says false.
    /// </summary>
    public abstract ImageShape Shape { get; }

    /// <summary>True when every image has <see cref="Shape"/>.</summary>
    public virtual bool UniformShape => true;

    /// <summary>Reads image <paramref name="index"/> as a new uint8 tensor [C, H, W] on the CPU.</summary>
    public abstract Tensor Read(int index);

    /// <summary>Number of images of each class (length = number of classes).</summary>
    public int[] CountPerClass(int classCount)
    {
        var counts = new int[classCount];
        foreach (var label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>A view of this split holding only the given indices, in that order.</summary>
    public ImageSplit Subset(IReadOnlyList<int> indices, string? name = null) => new SubsetSplit(this, indices, name ?? Name);
}

/// <summary>A split whose images all live in one uint8 tensor [N, C, H, W] (IDX, CIFAR, embedded samples).</summary>
public sealed class TensorSplit : ImageSplit
{
    readonly Tensor _images;
    readonly int[] _labels;

    /// <summary>Wraps <paramref name="images"/> (uint8 [N, C, H, W]; this split takes ownership) and their labels.</summary>
    public TensorSplit(string name, Tensor images, int[] labels)
    {
        if (images.dtype != ScalarType.Byte || images.dim() != 4)
            throw new ArgumentException("images must be a uint8 tensor [N, C, H, W]", nameof(images));
        if (images.shape[0] != labels.Length)
            throw new ArgumentException($"{images.shape[0]} images but {labels.Length} labels", nameof(labels));
        Name = name;
        _images = images.DetachFromDisposeScope();
        _labels = labels;
        Shape = new ImageShape((int)images.shape[1], (int)images.shape[2], (int)images.shape[3]);
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc />
    public override ImageShape Shape { get; }

    /// <summary>All images as one uint8 tensor [N, C, H, W] (shared, do not dispose).</summary>
    public Tensor Images => _images;

    /// <inheritdoc />
    public override Tensor Read(int index) => _images[index].clone();
}

/// <summary>A view of another split restricted to some of its indices.</summary>
public sealed class SubsetSplit : ImageSplit
{
    readonly ImageSplit _source;
    readonly int[] _indices;
    readonly int[] _labels;

    /// <summary>Creates the view.</summary>
    /// <param name="source">The split to read from.</param>
    /// <param name="indices">Index into <paramref name="source"/> of each image of the view.</param>
    /// <param name="name">The view's split name.</param>
    /// <param name="labels">The label of each image of the view (relabelled classes); the source's labels when null.</param>
    public SubsetSplit(ImageSplit source, IReadOnlyList<int> indices, string name, IReadOnlyList<int>? labels = null)
    {
        _source = source;
        _indices = indices.ToArray();
        if (labels is not null && labels.Count != _indices.Length)
            throw new ArgumentException($"{_indices.Length} indices but {labels.Count} labels", nameof(labels));
        _labels = labels?.ToArray() ?? _indices.Select(i => source.Labels[i]).ToArray();
        Name = name;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc />
    public override ImageShape Shape => _source.Shape;

    /// <inheritdoc />
    public override bool UniformShape => _source.UniformShape;

    /// <summary>The split this view reads from.</summary>
    public ImageSplit Source => _source;

    /// <summary>Index into <see cref="Source"/> of each image of this view.</summary>
    public IReadOnlyList<int> SourceIndices => _indices;

    /// <inheritdoc />
    public override Tensor Read(int index) => _source.Read(_indices[index]);
}
