using TorchSharp;
using TransferGen.Data.Transforms;
using static TorchSharp.torch;

namespace TransferGen.Data;

/// <summary>
/// Reads, transforms and stacks the images of one batch. Thread-safe: loader workers share one builder.
/// </summary>
internal sealed class BatchBuilder
{
    readonly ImageSplit _split;
    readonly ITransform _transform;
    readonly int _seed;
    // Set when the images live in one uint8 tensor and the pipeline is deterministic: then a whole batch is
    // gathered with one index_select and transformed at once, instead of image by image.
    readonly Tensor? _allImages;
    readonly int[]? _rowOfIndex;

    public BatchBuilder(ImageSplit split, ITransform transform, int seed)
    {
        _split = split;
        _transform = transform;
        _seed = seed;
        if (!transform.IsRandom && FindBackingTensor(split, out var images, out var rows))
        {
            _allImages = images;
            _rowOfIndex = rows;
        }
    }

    /// <summary>True when batches are gathered from one tensor rather than read image by image.</summary>
    public bool GathersWholeBatches => _allImages is not null;

    /// <summary>The batch of the images at <paramref name="indices"/> (split indices), transformed for <paramref name="epoch"/>.</summary>
    public Batch Build(IReadOnlyList<int> indices, int epoch)
    {
        // Everything made here is disposed with the scope, except the two tensors handed out, which are
        // detached from it: the batch may travel to another thread and outlive this one's scopes.
        using var scope = torch.NewDisposeScope();
        var images = _allImages is null ? TransformEach(indices, epoch) : TransformGathered(indices);
        if (images.dtype != ScalarType.Float32 || images.dim() != 4)
            throw new InvalidOperationException(
                $"The transform pipeline ({_transform}) must produce float32 images [C, H, W], but a batch came out as " +
                $"{images.dtype} [{string.Join(", ", images.shape)}]; end it with ToFloat (and Normalize).");
        var labels = torch.tensor(indices.Select(i => (long)_split.Labels[i]).ToArray(), ScalarType.Int64);
        var (detachedImages, detachedLabels) = scope.Detach(images, labels);
        return new Batch(detachedImages, detachedLabels, indices.ToArray());
    }

    Tensor TransformEach(IReadOnlyList<int> indices, int epoch)
    {
        var transformed = new Tensor[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int index = indices[i];
            using (var raw = _split.Read(index))
                transformed[i] = _transform.Apply(raw, DataRandom.ForSample(_seed, epoch, index));
            if (i > 0 && !transformed[i].shape.SequenceEqual(transformed[0].shape))
                throw new InputException(
                    $"Images {indices[0]} and {index} of split '{_split.Name}' differ in size after the transforms " +
                    $"([{string.Join(", ", transformed[0].shape)}] and [{string.Join(", ", transformed[i].shape)}]); " +
                    "add a Resize or CenterCrop to the pipeline.");
        }
        return torch.stack(transformed);
    }

    Tensor TransformGathered(IReadOnlyList<int> indices)
    {
        var rows = indices.Select(i => (long)(_rowOfIndex is null ? i : _rowOfIndex[i])).ToArray();
        using var rowTensor = torch.tensor(rows, ScalarType.Int64);
        using var gathered = _allImages!.index_select(0, rowTensor);
        // A deterministic pipeline never draws, so any generator will do.
        return _transform.Apply(gathered, new Random(0));
    }

    /// <summary>Finds the tensor a split reads from, through any number of subset views.</summary>
    static bool FindBackingTensor(ImageSplit split, out Tensor images, out int[]? rowOfIndex)
    {
        switch (split)
        {
            case TensorSplit tensorSplit:
                images = tensorSplit.Images;
                rowOfIndex = null;
                return true;
            case SubsetSplit subset when FindBackingTensor(subset.Source, out images, out var sourceRows):
                rowOfIndex = subset.SourceIndices.Select(i => sourceRows is null ? i : sourceRows[i]).ToArray();
                return true;
            default:
                images = null!;
                rowOfIndex = null;
                return false;
        }
    }
}
