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
    /// Each batch is pulled inside a dispose scope that ends once its features are copied out, so batches that the
    /// enumerable creates lazily (e.g. GanSampling.Batches, a data loader) are freed as it goes; tensors the caller
    /// created before the call are left alone.
    /// </remarks>
    /// <param name="extractor">The feature network.</param>
    /// <param name="batches">Image batches.</param>
    /// <param name="limit">Stop after this many images (the last batch is cut); all when null.</param>
    public static Tensor Collect(IFeatureExtractor extractor, IEnumerable<Tensor> batches, long? limit = null)
    {
        var parts = new List<Tensor>();
        long seen = 0;
        try
        {
            using var enumerator = batches.GetEnumerator();
            while (limit is null || seen < limit)
            {
                using var scope = NewDisposeScope();
                if (!enumerator.MoveNext()) break;
                var images = enumerator.Current;
                if (limit is long max && seen + images.shape[0] > max) images = images.narrow(0, 0, max - seen);
                Tensor features;
                using (no_grad()) features = extractor.Extract(images);
                if (features.dim() != 2 || features.shape[0] != images.shape[0] || features.shape[1] != extractor.Dim)
                    throw new InvalidOperationException($"feature extractor '{extractor.Name}' returned [{string.Join(", ", features.shape)}] for {images.shape[0]} images, expected [{images.shape[0]}, {extractor.Dim}]");
                seen += images.shape[0];
                parts.Add(features.to_type(ScalarType.Float32).cpu().MoveToOuterDisposeScope());
            }
            return parts.Count == 0
                ? zeros(0, extractor.Dim)
                : cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }
}
