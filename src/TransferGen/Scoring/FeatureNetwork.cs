using TransferGen.Metrics;

namespace TransferGen.Scoring;

/// <summary>A feature network FID/KID can use, with what a report must state about it.</summary>
/// <param name="Name">The name users pass to --features.</param>
/// <param name="InputSize">Side (pixels) images are resized to before the network sees them.</param>
/// <param name="ResizeFilter">How they are resized, for the report.</param>
/// <param name="Description">One line on what the features are.</param>
/// <param name="Create">Builds the extractor (called once per command; the caller disposes it).</param>
public sealed record FeatureNetwork(string Name, int InputSize, string ResizeFilter, string Description, Func<IFeatureExtractor> Create);
