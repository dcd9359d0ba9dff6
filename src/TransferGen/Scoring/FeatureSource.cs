using TransferGen.Data;
using TransferGen.Metrics;
using static TorchSharp.torch;

namespace TransferGen.Scoring;

/// <summary>The features of one image set, and whether they came from the cache.</summary>
/// <param name="Features">Float32 [N, D] on the CPU; the owner disposes it (through this object).</param>
/// <param name="FromCache">True when they were read from a <see cref="FeatureStore"/> rather than extracted.</param>
public sealed record SetFeatures(Tensor Features, bool FromCache) : IDisposable
{
    /// <summary>Images.</summary>
    public long Count => Features.shape[0];

    /// <inheritdoc />
    public void Dispose() => Features.Dispose();
}

/// <summary>
/// Extracts image sets' features through one <see cref="FeatureNetwork"/>, reading and filling a <see cref="FeatureStore"/>
/// when given one. The network is built only when some set is not cached, so a score whose sets are all cached loads
/// no weights.
/// </summary>
public sealed class FeatureSource : IDisposable
{
    IFeatureExtractor? _extractor;

    /// <summary>A source through <paramref name="network"/>, caching in <paramref name="cache"/> (none when null).</summary>
    public FeatureSource(FeatureNetwork network, FeatureStore? cache = null)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Cache = cache;
    }

    /// <summary>The feature network.</summary>
    public FeatureNetwork Network { get; }

    /// <summary>The cache; null when features are always extracted.</summary>
    public FeatureStore? Cache { get; }

    /// <summary>Sets whose features were extracted (not read from the cache) so far.</summary>
    public int Extracted { get; private set; }

    /// <summary>The network's extractor, built on first use.</summary>
    public IFeatureExtractor Extractor => _extractor ??= Network.Create();

    /// <summary>
    /// The features of <paramref name="split"/>'s images, resized to the network's input size: from the cache when an
    /// intact entry has the same key (<see cref="FeatureCacheKey"/>), else extracted and stored.
    /// </summary>
    /// <param name="split">The images.</param>
    /// <param name="observe">Wraps the image batches on their way to the network (progress); not called on a cache hit.</param>
    public SetFeatures Of(ImageSplit split, Func<IEnumerable<Tensor>, IEnumerable<Tensor>>? observe = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        var key = Cache is null ? null : FeatureCacheKey.For(split, Network);
        if (key is not null && Cache!.TryLoad(key) is { } cached) return new SetFeatures(cached, FromCache: true);
        var batches = ImageSetScoring.Batches(split, Network.InputSize);
        var features = Of(observe is null ? batches : observe(batches));
        if (key is not null) Cache!.Save(key, features.Features);
        return features;
    }

    /// <summary>The features of image batches (float [B, C, S, S] in [0, 1], already resized), never cached: generated images.</summary>
    public SetFeatures Of(IEnumerable<Tensor> batches)
    {
        var features = FeatureExtraction.Collect(Extractor, batches);
        Extracted++;
        return new SetFeatures(features, FromCache: false);
    }

    /// <inheritdoc />
    public void Dispose() => _extractor?.Dispose();
}
