using TransferGen.Imaging;
using static TorchSharp.torch;

namespace TransferGen.Data;

/// <summary>
/// A split whose images are files decoded on demand (an ImageFolder). Only paths and labels are held in memory;
/// <see cref="Read"/> decodes one file per call, with nothing shared between calls, so any number of threads may
/// read at once. An image keeps its own size: <see cref="ImageSplit.Shape"/> is only the most common one.
/// </summary>
internal sealed class FileImageSplit : ImageSplit
{
    readonly string[] _files;
    readonly int[] _labels;
    readonly long _maxPixels;

    /// <summary>
    /// Creates the split. <paramref name="shape"/> gives the channel count every image is decoded to and the most
    /// common height and width; <paramref name="uniformShape"/> says whether every image has that size;
    /// <paramref name="maxPixels"/> is the pixel limit the files were checked against, which reading applies too.
    /// </summary>
    public FileImageSplit(string name, IReadOnlyList<string> files, IReadOnlyList<int> labels, ImageShape shape, bool uniformShape,
        long maxPixels = ImageCodec.DefaultMaxPixels)
    {
        if (files.Count != labels.Count)
            throw new ArgumentException($"{files.Count} files but {labels.Count} labels", nameof(labels));
        if (shape.Channels is not (1 or 3))
            throw new ArgumentException("images decode to 1 or 3 channels", nameof(shape));
        Name = name;
        _files = files.ToArray();
        _labels = labels.ToArray();
        Shape = shape;
        UniformShape = uniformShape;
        _maxPixels = maxPixels;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc />
    public override ImageShape Shape { get; }

    /// <inheritdoc />
    public override bool UniformShape { get; }

    /// <summary>The image file of every image, in order.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>
    /// Decodes image <paramref name="index"/> to uint8 [C, H, W] with C = <see cref="ImageSplit.Shape"/>'s channels
    /// and the file's own H and W. A file that no longer decodes (truncated, replaced) is an
    /// <see cref="InputException"/> naming it.
    /// </summary>
    public override Tensor Read(int index) => ImageCodec.Decode(_files[index], Shape.Channels, _maxPixels);
}
