using static TorchSharp.torch;

namespace TransferGen.Generation.Augmentation;

/// <summary>
/// Scales each pixel's distance from the image's mean (over channels and pixels) by a random factor uniform in
/// [0.5, 1.5) (DiffAugment's contrast).
/// </summary>
public sealed class Contrast : IImageAugmentation
{
    /// <inheritdoc />
    public string Name => "contrast";

    /// <inheritdoc />
    public Tensor Apply(Tensor images, double probability, Generator? generator = null)
    {
        if (probability <= 0) return images;
        var factor = PerImage.Uniform(images, generator) + 0.5;            // [B, 1, 1, 1]
        var chosen = PerImage.Chosen(images, probability, generator);
        var mean = images.mean(new long[] { 1, 2, 3 }, keepdim: true);     // [B, 1, 1, 1]
        return PerImage.Select(images, (images - mean) * factor + mean, chosen);
    }
}
