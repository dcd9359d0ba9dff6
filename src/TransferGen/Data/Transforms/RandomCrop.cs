using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// Cuts a height × width window at a random position, after (virtually) padding every side with
/// <c>padding</c> zero pixels — the classic CIFAR augmentation is <c>new RandomCrop(32, 32, padding: 4)</c>.
/// If the padded image is still smaller than the window, the window is centred and its rest filled with 0.
/// </summary>
public sealed class RandomCrop : ITransform
{
    readonly int _height;
    readonly int _width;
    readonly int _padding;

    /// <summary>Creates the transform.</summary>
    /// <param name="height">Height of the crop.</param>
    /// <param name="width">Width of the crop.</param>
    /// <param name="padding">Zero pixels added on each side before choosing the window.</param>
    public RandomCrop(int height, int width, int padding = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        _height = height;
        _width = width;
        _padding = padding;
    }

    /// <inheritdoc />
    public bool IsRandom => true;

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        ImageTensor.Check(image, nameof(RandomCrop));
        var (_, h, w) = ImageTensor.Size(image);
        int top = Offset(h, _height, rng);
        int left = Offset(w, _width, rng);
        return ImageTensor.CropWithZeroFill(image, top, left, _height, _width);
    }

    /// <summary>Where the window starts along one axis, in unpadded image coordinates (negative inside the padding).</summary>
    int Offset(int size, int crop, Random rng)
    {
        int padded = size + 2 * _padding;
        // Draw even when there is no choice, so every image consumes the same number of draws.
        int draw = rng.Next(Math.Max(0, padded - crop) + 1);
        return padded >= crop ? draw - _padding : -_padding - (crop - padded) / 2;
    }

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input) => input with { Height = _height, Width = _width };

    /// <inheritdoc />
    public override string ToString() => $"RandomCrop({_height}×{_width}, padding {_padding})";
}
