using static TorchSharp.torch;

namespace TransferGen.Metrics;

/// <summary>FID and KID of generated images against real ones, with what is needed to compare scores fairly.</summary>
/// <param name="Fid">Fréchet distance of the feature statistics.</param>
/// <param name="Kid">KID mean and standard deviation over subsets.</param>
/// <param name="RealCount">Real images used.</param>
/// <param name="FakeCount">Generated images used.</param>
/// <param name="Extractor">Name of the feature network (scores from different networks are not comparable).</param>
public sealed record GenerativeScores(double Fid, KidResult Kid, long RealCount, long FakeCount, string Extractor);

/// <summary>Computes FID and KID between two image sources through one feature network.</summary>
public static class GenerativeEvaluation
{
    /// <summary>
    /// Extracts features of both sources (batches float [B, C, H, W] in [0, 1]; see
    /// <see cref="FeatureExtraction.Collect"/> for batch ownership) and scores them. FID is biased upwards for small
    /// sets (compare only at equal counts; 10k+ images for paper-grade numbers); KID is unbiased.
    /// </summary>
    /// <param name="extractor">The feature network.</param>
    /// <param name="real">Real image batches.</param>
    /// <param name="fake">Generated image batches, e.g. from GanSampling.Batches.</param>
    /// <param name="kidSubsets">KID subsets (default 100).</param>
    /// <param name="kidSubsetSize">KID subset size (default min(1000, ⌊min(N1, N2) / 2⌋)).</param>
    /// <param name="seed">Seed of the KID subset draws.</param>
    public static GenerativeScores Evaluate(IFeatureExtractor extractor, IEnumerable<Tensor> real, IEnumerable<Tensor> fake,
        int kidSubsets = 100, int? kidSubsetSize = null, long seed = 0)
    {
        using var realFeatures = FeatureExtraction.Collect(extractor, real);
        using var fakeFeatures = FeatureExtraction.Collect(extractor, fake);
        var fid = TransferGen.Metrics.Fid.Compute(realFeatures, fakeFeatures);
        var kid = TransferGen.Metrics.Kid.Compute(realFeatures, fakeFeatures, kidSubsets, kidSubsetSize, seed);
        return new GenerativeScores(fid, kid, realFeatures.shape[0], fakeFeatures.shape[0], extractor.Name);
    }
}
