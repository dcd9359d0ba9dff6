using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TransferGen.Metrics;

/// <summary>
/// A network-free feature extractor: each image, as RGB, averaged down to 8×8 pixels per channel (192 numbers).
/// Fast and deterministic, so tests and smoke runs can compute FID/KID in milliseconds. It sees colour and coarse
/// layout only, not texture or semantics, so its scores say much less than a trained network's.
/// </summary>
public sealed class PixelFeatures : IFeatureExtractor
{
    /// <summary>Side of the pooled map.</summary>
    public const int Grid = 8;

    /// <summary>Side the images should be resized to first (pooling 32 → 8 averages 4×4 blocks).</summary>
    public const int InputSize = 32;

    /// <summary>The name the feature-network registry knows these features by (also their <see cref="Name"/>).</summary>
    public const string FeatureName = "pixels";

    /// <summary>One line for reports.</summary>
    public const string Summary = "RGB pixels area-averaged to 8×8 (192-d); no learned features";

    /// <inheritdoc />
    public int Dim => 3 * Grid * Grid;

    /// <inheritdoc />
    public string Name => FeatureName;

    /// <inheritdoc />
    public Tensor Extract(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3))
            throw new ArgumentException($"images must be [B, 1 or 3, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        var rgb = images.shape[1] == 1 ? images.expand(-1, 3, -1, -1) : images;        // [B, 3, H, W]
        return F.adaptive_avg_pool2d(rgb.to_type(ScalarType.Float32), new long[] { Grid, Grid }).flatten(1);   // [B, 192]
    }

    /// <summary>Nothing to free: there is no network.</summary>
    public void Dispose() { }
}
