using static TorchSharp.torch;

namespace TransferGen.Generation.Augmentation;

/// <summary>
/// Adds one random offset, uniform in [−0.5, 0.5), to every pixel of an image (DiffAugment's brightness; images in
/// [−1, 1], so up to a quarter of the range).
/// </summary>
public sealed class Brightness : IImageAugmentation
{
    /// <inheritdoc />
    public string Name => "brightness";

    /// <inheritdoc />
    public Tensor Apply(Tensor images, double probability, Generator? generator = null)
    {
        if (probability <= 0) return images;
        var offset = PerImage.Uniform(images, generator) - 0.5;   // [B, 1, 1, 1]
        var chosen = PerImage.Chosen(images, probability, generator);
        return PerImage.Select(images, images + offset, chosen);
    }
}
