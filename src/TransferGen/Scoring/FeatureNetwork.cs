using TransferGen.Metrics;

namespace TransferGen.Scoring;

/// <summary>A feature network FID/KID can use, with what a report must state about it.</summary>
/// <param name="Name">The name users pass to --features.</param>
/// <param name="InputSize">Side (pixels) images are resized to before the network sees them.</param>
/// <param name="ResizeFilter">How they are resized, for the report.</param>
/// <param name="Description">One line on what the features are.</param>
/// <param name="Create">Builds the extractor (called once per command; the caller disposes it).</param>
public sealed record FeatureNetwork(string Name, int InputSize, string ResizeFilter, string Description, Func<IFeatureExtractor> Create)
{
    /// <summary>
    /// What identifies this network's weights in a <see cref="FeatureStore"/> key; null when nothing stable does (a
    /// fine-tuned run folder can be trained again in place, a registered factory can change between programs), and then
    /// its features are never cached.
    /// </summary>
    public string? CacheName { get; init; }
}
