using static TorchSharp.torch;

namespace TransferGen.Generation.Augmentation;

/// <summary>
/// Sets a rectangle of <see cref="Ratio"/> of each side (a square of half the side by default) to zero at a random
/// position inside each image (DiffAugment's cutout; 0 is mid-gray for images in [−1, 1]). Unlike DiffAugment, whose
/// square may hang over the border, the rectangle always lies wholly inside, so every augmented image loses the same
/// area.
/// </summary>
public sealed class Cutout : IImageAugmentation
{
    /// <summary>Creates the augmentation.</summary>
    /// <param name="ratio">The rectangle's side as a fraction of the image's (DiffAugment: 1/2).</param>
    public Cutout(double ratio = 0.5)
    {
        if (!(ratio >= 0 && ratio <= 1)) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "the cutout ratio must be in [0, 1]");
        Ratio = ratio;
    }

    /// <summary>The rectangle's side as a fraction of the image's.</summary>
    public double Ratio { get; }

    /// <inheritdoc />
    public string Name => "cutout";

    /// <summary>The rectangle's side in pixels along a side of <paramref name="side"/> pixels: round(side × ratio).</summary>
    public long Size(long side) => (long)(side * Ratio + 0.5);

    /// <inheritdoc />
    public Tensor Apply(Tensor images, double probability, Generator? generator = null)
    {
        if (probability <= 0) return images;
        long h = images.shape[2], w = images.shape[3];
        long ch = Size(h), cw = Size(w);
        if (ch == 0 || cw == 0) return images;
        var top = PerImage.Integers(images, 0, h - ch + 1, generator).view(-1, 1, 1);    // [B, 1, 1]
        var left = PerImage.Integers(images, 0, w - cw + 1, generator).view(-1, 1, 1);
        var chosen = PerImage.Chosen(images, probability, generator);

        var rows = arange(h, ScalarType.Int64, images.device).view(1, h, 1);
        var columns = arange(w, ScalarType.Int64, images.device).view(1, 1, w);
        var inside = rows.ge(top).logical_and(rows.lt(top + ch))
            .logical_and(columns.ge(left)).logical_and(columns.lt(left + cw));           // [B, H, W]
        if (chosen is not null) inside = inside.logical_and(chosen.view(-1, 1, 1));
        return images.masked_fill(inside.unsqueeze(1), 0.0);                             // [B, C, H, W]
    }
}
