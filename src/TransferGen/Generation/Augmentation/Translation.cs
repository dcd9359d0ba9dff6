using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TransferGen.Generation.Augmentation;

/// <summary>
/// Shifts each image by a random whole number of pixels, up to <see cref="Ratio"/> of its side in each direction
/// (uniform over −s..s per axis), filling what comes in with zeros (DiffAugment's translation; 0 is mid-gray for
/// images in [−1, 1]). Done by padding and two gathers, so the gradient reaches every pixel that stays in view.
/// </summary>
public sealed class Translation : IImageAugmentation
{
    /// <summary>Creates the augmentation.</summary>
    /// <param name="ratio">The largest shift as a fraction of the side (DiffAugment: 1/8).</param>
    public Translation(double ratio = 0.125)
    {
        if (!(ratio >= 0 && ratio <= 1)) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "the shift ratio must be in [0, 1]");
        Ratio = ratio;
    }

    /// <summary>The largest shift as a fraction of the side.</summary>
    public double Ratio { get; }

    /// <inheritdoc />
    public string Name => "translation";

    /// <summary>The largest shift in pixels along a side of <paramref name="side"/> pixels: round(side × ratio).</summary>
    public long MaxShift(long side) => (long)(side * Ratio + 0.5);

    /// <inheritdoc />
    public Tensor Apply(Tensor images, double probability, Generator? generator = null)
    {
        if (probability <= 0) return images;
        long b = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        long sy = MaxShift(h), sx = MaxShift(w);
        if (sy == 0 && sx == 0) return images;
        var dy = PerImage.Integers(images, -sy, sy + 1, generator).view(-1, 1, 1, 1);   // [B, 1, 1, 1], + moves content down
        var dx = PerImage.Integers(images, -sx, sx + 1, generator).view(-1, 1, 1, 1);   // + moves content right
        var chosen = PerImage.Chosen(images, probability, generator);

        var padded = F.pad(images, new[] { sx, sx, sy, sy });                            // [B, C, H + 2sy, W + 2sx], zeros around
        // Output pixel (i, j) reads input pixel (i − dy, j − dx), which sits at (i − dy + sy, j − dx + sx) in the padding.
        var rows = (arange(h, ScalarType.Int64, images.device).view(1, 1, h, 1) + sy - dy).expand(b, c, h, w + 2 * sx);
        var shiftedRows = padded.gather(2, rows);                                        // [B, C, H, W + 2sx]
        var columns = (arange(w, ScalarType.Int64, images.device).view(1, 1, 1, w) + sx - dx).expand(b, c, h, w);
        var shifted = shiftedRows.gather(3, columns);                                    // [B, C, H, W]
        return PerImage.Select(images, shifted, chosen);
    }
}
