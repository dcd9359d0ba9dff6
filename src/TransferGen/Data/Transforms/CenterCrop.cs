using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// Cuts the central height × width window out of the image. When the image is smaller than the window, the
/// missing border is filled with 0. An odd surplus is split with the extra pixel on the bottom/right.
/// </summary>
public sealed class CenterCrop : ITransform
{
    readonly int _height;
    readonly int _width;

    /// <summary>Crops to <paramref name="height"/> × <paramref name="width"/>.</summary>
    public CenterCrop(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _height = height;
        _width = width;
    }

    /// <summary>Crops to a <paramref name="size"/> × <paramref name="size"/> square.</summary>
    public CenterCrop(int size) : this(size, size) { }

    /// <inheritdoc />
    public bool IsRandom => false;

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        ImageTensor.Check(image, nameof(CenterCrop));
        var (_, h, w) = ImageTensor.Size(image);
        int top = (int)Math.Floor((h - _height) / 2.0);
        int left = (int)Math.Floor((w - _width) / 2.0);
        return ImageTensor.CropWithZeroFill(image, top, left, _height, _width);
    }

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input) => input with { Height = _height, Width = _width };

    /// <inheritdoc />
    public override string ToString() => $"CenterCrop({_height}×{_width})";
}
