using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// Rotates the image about its centre by a random angle drawn uniformly from ±<c>maxDegrees</c>, with bilinear
/// sampling; corners that come from outside the image are 0. The size stays the same.
/// </summary>
public sealed class RandomRotation : ITransform
{
    readonly double _maxDegrees;

    /// <summary>Creates the transform; <paramref name="maxDegrees"/> must be in [0, 180].</summary>
    public RandomRotation(double maxDegrees)
    {
        if (maxDegrees is < 0 or > 180 || double.IsNaN(maxDegrees))
            throw new ArgumentOutOfRangeException(nameof(maxDegrees), maxDegrees, "must be in [0, 180]");
        _maxDegrees = maxDegrees;
    }

    /// <inheritdoc />
    public bool IsRandom => true;

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        double degrees = (2 * rng.NextDouble() - 1) * _maxDegrees;
        return Rotate(image, degrees);
    }

    /// <summary>
    /// Rotates <paramref name="image"/> counter-clockwise (as displayed, rows going down) by
    /// <paramref name="degrees"/>. Multiples of 90° that keep the shape are done by exact pixel moves; other
    /// angles by bilinear sampling with zero fill. A uint8 image is rotated in float and rounded back.
    /// </summary>
    public static Tensor Rotate(Tensor image, double degrees)
    {
        ImageTensor.Check(image, nameof(Rotate));
        if (!double.IsFinite(degrees)) throw new ArgumentOutOfRangeException(nameof(degrees), degrees, "must be finite");
        var (_, h, w) = ImageTensor.Size(image);
        double quarterTurns = degrees / 90;
        if (quarterTurns == Math.Round(quarterTurns))
        {
            int k = (int)(((long)quarterTurns % 4 + 4) % 4);
            if (k == 0) return image.clone();
            if (k == 2) return image.flip(-2, -1);
            if (h == w) return image.rot90(k, (-2, -1));
        }
        return ImageTensor.InFloat(image, pixels => RotateBySampling(pixels, degrees));
    }

    /// <summary>Rotation through an affine sampling grid; <paramref name="image"/> must be floating point.</summary>
    internal static Tensor RotateBySampling(Tensor image, double degrees) => ImageTensor.OnBatch(image, batch =>
    {
        var (c, h, w) = ImageTensor.Size(batch);
        long n = batch.shape[0];
        double radians = degrees * Math.PI / 180;
        double cos = Math.Cos(radians), sin = Math.Sin(radians);
        // affine_grid maps each output position to the input position it samples, in coordinates normalised to
        // [-1, 1] per axis. Sampling from the output point rotated back (clockwise) rotates the picture
        // counter-clockwise; the h/w factors undo the different normalisation of the two axes, so non-square
        // images turn rigidly instead of shearing.
        double[] matrix = [cos, -sin * h / w, 0, sin * w / h, cos, 0];
        using var single = torch.tensor(matrix, [1, 2, 3], dtype: batch.dtype);
        using var theta = single.expand(n, 2, 3);
        using var grid = nn.functional.affine_grid(theta, [n, c, h, w], align_corners: false);
        return nn.functional.grid_sample(batch, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros,
            align_corners: false);
    });

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input) => input;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RandomRotation(±{_maxDegrees}°)");
}
