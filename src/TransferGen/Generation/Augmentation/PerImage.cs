using static TorchSharp.torch;

namespace TransferGen.Generation.Augmentation;

/// <summary>Random draws of one value per image of a batch, and the per-image choice of ADA.</summary>
internal static class PerImage
{
    /// <summary>Uniform draws in [0, 1), shaped [B, 1, 1, 1] to broadcast over an image batch.</summary>
    public static Tensor Uniform(Tensor images, Generator? generator) =>
        rand(new[] { images.shape[0], 1L, 1L, 1L }, dtype: images.dtype, device: images.device, generator: generator);

    /// <summary>Integers uniform in [<paramref name="low"/>, <paramref name="high"/>), one per image, int64 [B].</summary>
    public static Tensor Integers(Tensor images, long low, long high, Generator? generator) =>
        randint(low, high, new[] { images.shape[0] }, dtype: ScalarType.Int64, device: images.device, generator: generator);

    /// <summary>
    /// Which images get the augmentation: bool [B], each true with <paramref name="probability"/>; null when all do
    /// (probability 1 or more, which draws nothing).
    /// </summary>
    public static Tensor? Chosen(Tensor images, double probability, Generator? generator) =>
        probability >= 1 ? null
        : rand(new[] { images.shape[0] }, dtype: ScalarType.Float32, device: images.device, generator: generator).lt(probability);

    /// <summary>
    /// <paramref name="augmented"/> for the <paramref name="chosen"/> images, <paramref name="images"/> (exactly) for the
    /// others; <paramref name="augmented"/> itself when every image is chosen.
    /// </summary>
    public static Tensor Select(Tensor images, Tensor augmented, Tensor? chosen) =>
        chosen is null ? augmented : where(chosen.view(-1, 1, 1, 1), augmented, images);
}
