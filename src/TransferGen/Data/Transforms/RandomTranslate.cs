using System.Globalization;
using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// Shifts the image by a random whole number of pixels, up to a fraction of its width and height in each
/// direction; pixels shifted in are 0. Whole-pixel shifts keep the pixel values exact (no interpolation blur).
/// </summary>
public sealed class RandomTranslate : ITransform
{
    readonly double _maxFractionX;
    readonly double _maxFractionY;

    /// <summary>Creates the transform.</summary>
    /// <param name="maxFractionX">Largest horizontal shift as a fraction of the width (0.1 = 10 %), in [0, 1).</param>
    /// <param name="maxFractionY">Largest vertical shift as a fraction of the height, in [0, 1).</param>
    public RandomTranslate(double maxFractionX, double maxFractionY)
    {
        if (maxFractionX is < 0 or >= 1 || double.IsNaN(maxFractionX))
            throw new ArgumentOutOfRangeException(nameof(maxFractionX), maxFractionX, "must be in [0, 1)");
        if (maxFractionY is < 0 or >= 1 || double.IsNaN(maxFractionY))
            throw new ArgumentOutOfRangeException(nameof(maxFractionY), maxFractionY, "must be in [0, 1)");
        _maxFractionX = maxFractionX;
        _maxFractionY = maxFractionY;
    }

    /// <inheritdoc />
    public bool IsRandom => true;

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        ImageTensor.Check(image, nameof(RandomTranslate));
        var (_, h, w) = ImageTensor.Size(image);
        int maxDx = (int)Math.Round(_maxFractionX * w);
        int maxDy = (int)Math.Round(_maxFractionY * h);
        int dx = rng.Next(-maxDx, maxDx + 1);
        int dy = rng.Next(-maxDy, maxDy + 1);
        return Shift(image, dx, dy);
    }

    /// <summary>
    /// Moves the content <paramref name="dx"/> pixels right and <paramref name="dy"/> pixels down (negative: left,
    /// up); uncovered pixels are 0 and the size stays the same.
    /// </summary>
    public static Tensor Shift(Tensor image, int dx, int dy)
    {
        ImageTensor.Check(image, nameof(Shift));
        var (_, h, w) = ImageTensor.Size(image);
        return ImageTensor.CropWithZeroFill(image, -dy, -dx, h, w);
    }

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input) => input;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"RandomTranslate(±{_maxFractionX * 100}% x, ±{_maxFractionY * 100}% y)");
}
