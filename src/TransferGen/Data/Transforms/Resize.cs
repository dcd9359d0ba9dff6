using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// Bilinear resize, either to an exact height × width or so that the shorter side has a given length (keeping
/// the aspect ratio). When an image shrinks the filter is antialiased, so thin strokes (digits) do not break
/// up into aliasing noise. A uint8 image is resized in float and rounded back to uint8.
/// </summary>
public sealed class Resize : ITransform
{
    readonly int _height;
    readonly int _width;
    readonly int _shorterSide;

    /// <summary>Resizes every image to exactly <paramref name="height"/> × <paramref name="width"/>.</summary>
    public Resize(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _height = height;
        _width = width;
    }

    Resize(int shorterSide) => _shorterSide = shorterSide;

    /// <summary>
    /// Resizes so that the shorter side becomes <paramref name="size"/>; the longer side is scaled by the same
    /// factor and rounded down (as torchvision does).
    /// </summary>
    public static Resize ShorterSide(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        return new Resize(size);
    }

    /// <inheritdoc />
    public bool IsRandom => false;

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        ImageTensor.Check(image, nameof(Resize));
        var (c, h, w) = ImageTensor.Size(image);
        var target = OutputShape(new ImageShape(c, h, w));
        if (target.Height == h && target.Width == w) return image.clone();
        bool shrinking = target.Height < h || target.Width < w;
        long[] size = [target.Height, target.Width];
        return ImageTensor.InFloat(image, pixels => ImageTensor.OnBatch(pixels, batch =>
            nn.functional.interpolate(batch, size, mode: InterpolationMode.Bilinear, align_corners: false,
                antialias: shrinking)));
    }

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input)
    {
        if (_shorterSide == 0) return input with { Height = _height, Width = _width };
        return input.Height <= input.Width
            ? input with { Height = _shorterSide, Width = (int)((long)_shorterSide * input.Width / input.Height) }
            : input with { Height = (int)((long)_shorterSide * input.Height / input.Width), Width = _shorterSide };
    }

    /// <inheritdoc />
    public override string ToString() =>
        _shorterSide == 0 ? $"Resize({_height}×{_width})" : $"Resize(shorter side {_shorterSide})";
}
