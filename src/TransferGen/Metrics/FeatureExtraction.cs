using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Metrics;

/// <summary>Runs an <see cref="IFeatureExtractor"/> over a stream of image batches.</summary>
public static class FeatureExtraction
{
    /// <summary>
    /// Features float32 [N, D] on the CPU of every image in <paramref name="batches"/> (each float [B, C, H, W] in [0, 1]).
    /// </summary>
    /// <remarks>
    /// Runs through <see cref="BatchInference"/>, so in inference mode, each batch pulled inside a dispose scope that ends
    /// once its features are copied out: batches that the enumerable creates lazily (e.g. GanSampling.Batches, a data
    /// loader) are freed as it goes; tensors the caller created before the call are left alone.
    /// </remarks>
    /// <param name="extractor">The feature network.</param>
    /// <param name="batches">Image batches.</param>
    /// <param name="limit">Stop after this many images (the last batch is cut); all when null.</param>
    /// <param name="progress">Called after each batch with the number of images whose features it added.</param>
    public static Tensor Collect(IFeatureExtractor extractor, IEnumerable<Tensor> batches, long? limit = null, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        return BatchInference.Run(batches, images => Extract(extractor, images), outputDevice: CPU, progress: progress, limit: limit)
               ?? zeros(0, extractor.Dim);
    }

    static Tensor Extract(IFeatureExtractor extractor, Tensor images)
    {
        var features = extractor.Extract(images);
        if (features.dim() != 2 || features.shape[0] != images.shape[0] || features.shape[1] != extractor.Dim)
            throw new InvalidOperationException($"feature extractor '{extractor.Name}' returned [{string.Join(", ", features.shape)}] for {images.shape[0]} images, expected [{images.shape[0]}, {extractor.Dim}]");
        return features.to_type(ScalarType.Float32);
    }
}
