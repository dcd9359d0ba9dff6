using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Metrics;

/// <summary>
/// Mean and covariance of a set of feature vectors, in float64 (FID subtracts large, nearly equal traces, which float32
/// cannot do accurately). Owns its two tensors: dispose it.
/// </summary>
public sealed class FeatureStatistics : IDisposable
{
    /// <summary>
    /// Holds a mean [D] and covariance [D, D] (converted to float64). This object keeps its own handles, detached from
    /// any dispose scope; the caller still owns (and disposes) the tensors it passed.
    /// </summary>
    public FeatureStatistics(Tensor mean, Tensor covariance, long count)
    {
        if (mean.dim() != 1 || covariance.dim() != 2 || covariance.shape[0] != mean.shape[0] || covariance.shape[1] != mean.shape[0])
            throw new ArgumentException($"need a mean [D] and covariance [D, D], got [{string.Join(", ", mean.shape)}] and [{string.Join(", ", covariance.shape)}]");
        Mean = mean.to_type(ScalarType.Float64).DetachFromDisposeScope();
        Covariance = covariance.to_type(ScalarType.Float64).DetachFromDisposeScope();
        Count = count;
    }

    /// <summary>Mean feature vector float64 [D].</summary>
    public Tensor Mean { get; }

    /// <summary>Unbiased sample covariance float64 [D, D] (divided by N − 1, like numpy.cov).</summary>
    public Tensor Covariance { get; }

    /// <summary>Number of feature vectors the statistics came from.</summary>
    public long Count { get; }

    /// <summary>Feature dimension D.</summary>
    public long Dim => Mean.shape[0];

    /// <summary>Statistics of features [N, D] (any float type; N ≥ 2).</summary>
    public static FeatureStatistics Compute(Tensor features)
    {
        if (features.dim() != 2) throw new ArgumentException($"features must be [N, D], got [{string.Join(", ", features.shape)}]", nameof(features));
        var n = features.shape[0];
        if (n < 2) throw new ArgumentException("a covariance needs at least 2 feature vectors", nameof(features));
        using var scope = NewDisposeScope();
        var x = features.to_type(ScalarType.Float64);
        var mean = x.mean(new long[] { 0 });                                     // [D]
        var centered = x - mean;                                                // [N, D]
        var covariance = centered.t().matmul(centered) / (n - 1);               // [D, D]
        // Exactly symmetric: the eigen-solvers used by FID assume it.
        covariance = (covariance + covariance.t()) / 2;
        return new FeatureStatistics(mean, covariance, n);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
    }
}
