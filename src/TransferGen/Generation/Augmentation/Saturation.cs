using static TorchSharp.torch;

namespace TransferGen.Generation.Augmentation;

/// <summary>
/// Scales each pixel's distance from its own channel mean (its gray value) by a random factor uniform in [0, 2):
/// 0 turns the image gray, 2 doubles its colourfulness (DiffAugment's saturation). A gray image has no colour, so for
/// one-channel images this is the identity and draws nothing.
/// </summary>
public sealed class Saturation : IImageAugmentation
{
    /// <inheritdoc />
    public string Name => "saturation";

    /// <inheritdoc />
    public Tensor Apply(Tensor images, double probability, Generator? generator = null)
    {
        if (probability <= 0 || images.shape[1] == 1) return images;
        var factor = PerImage.Uniform(images, generator) * 2.0;   // [B, 1, 1, 1]
        var chosen = PerImage.Chosen(images, probability, generator);
        var mean = images.mean(new long[] { 1 }, keepdim: true);  // [B, 1, H, W]
        return PerImage.Select(images, (images - mean) * factor + mean, chosen);
    }
}
