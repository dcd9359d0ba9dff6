using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Metrics;

/// <summary>
/// The Fréchet distance between Gaussians fitted to two feature sets (FID, Heusel et al. 2017):
/// ‖μ1 − μ2‖² + tr Σ1 + tr Σ2 − 2 tr √(Σ1 Σ2).
/// </summary>
public static class Fid
{
    /// <summary>
    /// The Fréchet distance between N(μ1, Σ1) and N(μ2, Σ2), computed in float64.
    /// </summary>
    /// <remarks>
    /// tr √(Σ1 Σ2) is taken as Σᵢ √λᵢ over the eigenvalues λ of the symmetric PSD matrix √Σ1 · Σ2 · √Σ1, which has the same
    /// eigenvalues as Σ1 Σ2. Both steps use symmetric eigen-solvers (eigh), which are stable and need no regularizing:
    /// unlike scipy's sqrtm of the non-symmetric Σ1 Σ2 (as pytorch-fid does), a singular Σ1 — fewer samples than
    /// dimensions — is fine. Eigenvalues that rounding makes slightly negative are clamped to 0. Only if the solver
    /// still returns non-finite values is εI (ε = 1e-6, pytorch-fid's offset) added to both covariances and the
    /// computation repeated. The result is clamped at 0: it is a squared distance, and rounding can push identical
    /// inputs to −1e-12.
    /// </remarks>
    public static double FrechetDistance(Tensor mu1, Tensor sigma1, Tensor mu2, Tensor sigma2)
    {
        var d = mu1.numel();
        if (mu1.dim() != 1 || mu2.dim() != 1 || mu2.numel() != d)
            throw new ArgumentException($"means must be vectors of equal length, got [{string.Join(", ", mu1.shape)}] and [{string.Join(", ", mu2.shape)}]");
        if (!sigma1.shape.SequenceEqual(new[] { d, d }) || !sigma2.shape.SequenceEqual(new[] { d, d }))
            throw new ArgumentException($"covariances must be [{d}, {d}], got [{string.Join(", ", sigma1.shape)}] and [{string.Join(", ", sigma2.shape)}]");

        using var scope = NewDisposeScope();
        var m1 = mu1.to_type(ScalarType.Float64);
        var m2 = mu2.to_type(ScalarType.Float64);
        var s1 = Symmetric(sigma1.to_type(ScalarType.Float64));
        var s2 = Symmetric(sigma2.to_type(ScalarType.Float64));
        if (!AllFinite(m1) || !AllFinite(m2) || !AllFinite(s1) || !AllFinite(s2))
            throw new ArgumentException("the means and covariances must be finite (NaN or ∞ found)");

        var traceSqrt = TraceSqrtProduct(s1, s2);
        if (!double.IsFinite(traceSqrt))
        {
            var offset = eye(d, dtype: ScalarType.Float64, device: s1.device) * 1e-6;
            traceSqrt = TraceSqrtProduct(s1 + offset, s2 + offset);
        }
        var diff = m1 - m2;
        var fd = diff.dot(diff).item<double>() + s1.trace().item<double>() + s2.trace().item<double>() - 2 * traceSqrt;
        return Math.Max(fd, 0.0);
    }

    /// <summary>The Fréchet distance between two sets of feature statistics.</summary>
    public static double FrechetDistance(FeatureStatistics a, FeatureStatistics b) =>
        FrechetDistance(a.Mean, a.Covariance, b.Mean, b.Covariance);

    /// <summary>FID between two feature matrices [N1, D] and [N2, D].</summary>
    public static double Compute(Tensor features1, Tensor features2)
    {
        using var a = FeatureStatistics.Compute(features1);
        using var b = FeatureStatistics.Compute(features2);
        return FrechetDistance(a, b);
    }

    /// <summary>tr √(Σ1 Σ2) for symmetric PSD float64 matrices, via eigh(√Σ1 Σ2 √Σ1).</summary>
    internal static double TraceSqrtProduct(Tensor s1, Tensor s2)
    {
        using var scope = NewDisposeScope();
        var (values, vectors) = linalg.eigh(s1);                                          // Σ1 = Q Λ Qᵀ
        var sqrtS1 = (vectors * values.clamp_min(0).sqrt().unsqueeze(0)).matmul(vectors.t()); // √Σ1 = Q √Λ Qᵀ
        var m = Symmetric(sqrtS1.matmul(s2).matmul(sqrtS1));                              // √Σ1 Σ2 √Σ1, PSD
        return linalg.eigvalsh(m).clamp_min(0).sqrt().sum().item<double>();
    }

    static Tensor Symmetric(Tensor m) => (m + m.t()) / 2;

    static bool AllFinite(Tensor t) => isfinite(t).all().item<bool>();
}
