using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Metrics;

/// <summary>KID as reported: the mean of the subset estimates and their standard deviation.</summary>
/// <param name="Mean">Mean unbiased MMD² over the subsets.</param>
/// <param name="Std">Population standard deviation of the subset estimates (as torch-fidelity reports it).</param>
/// <param name="Subsets">Number of subsets averaged.</param>
/// <param name="SubsetSize">Feature vectors drawn from each set per subset.</param>
public readonly record struct KidResult(double Mean, double Std, int Subsets, int SubsetSize);

/// <summary>
/// Kernel Inception Distance (Bińkowski et al. 2018): the unbiased estimate of the squared maximum mean discrepancy
/// between two feature sets under the polynomial kernel k(x, y) = (x·y / d + 1)³. Unlike FID it has no bias that
/// depends on the sample size, so small evaluation sets can be compared; it can be slightly negative.
/// </summary>
public static class Kid
{
    /// <summary>The largest default subset size (torch-fidelity's and the paper's 1000).</summary>
    public const int DefaultMaxSubsetSize = 1000;

    /// <summary>
    /// KID between features [N1, D] and [N2, D], averaged over <paramref name="subsets"/> random subsets of
    /// <paramref name="subsetSize"/> vectors from each set (drawn without replacement, seeded).
    /// </summary>
    /// <param name="features1">First feature set [N1, D].</param>
    /// <param name="features2">Second feature set [N2, D].</param>
    /// <param name="subsets">Number of subsets. Default 100.</param>
    /// <param name="subsetSize">Vectors per subset (≥ 2); default min(1000, ⌊min(N1, N2) / 2⌋), so that subsets differ
    /// and their standard deviation says something (with subsets as large as the smaller set, every subset of it is the
    /// whole set and the spread collapses towards 0).</param>
    /// <param name="seed">Seed of the subset draws.</param>
    public static KidResult Compute(Tensor features1, Tensor features2, int subsets = 100, int? subsetSize = null, long seed = 0)
    {
        if (features1.dim() != 2 || features2.dim() != 2 || features1.shape[1] != features2.shape[1])
            throw new ArgumentException($"features must be [N1, D] and [N2, D], got [{string.Join(", ", features1.shape)}] and [{string.Join(", ", features2.shape)}]");
        if (subsets < 1) throw new ArgumentOutOfRangeException(nameof(subsets), subsets, "at least one subset is needed");
        var n1 = features1.shape[0];
        var n2 = features2.shape[0];
        var m = subsetSize ?? (int)Math.Max(2, Math.Min(DefaultMaxSubsetSize, Math.Min(n1, n2) / 2));
        if (m < 2 || m > n1 || m > n2)
            throw new ArgumentOutOfRangeException(nameof(subsetSize), m, $"the subset size must be between 2 and the smaller set size ({Math.Min(n1, n2)})");

        using var scope = NewDisposeScope();
        var x = features1.to_type(ScalarType.Float64);
        var y = features2.to_type(ScalarType.Float64);
        using var generator = new Generator((ulong)seed);
        var estimates = new double[subsets];
        for (var s = 0; s < subsets; s++)
        {
            using var subsetScope = NewDisposeScope();
            var i1 = randperm(n1, generator: generator).narrow(0, 0, m).to(x.device);
            var i2 = randperm(n2, generator: generator).narrow(0, 0, m).to(y.device);
            estimates[s] = UnbiasedMmd2(x.index_select(0, i1), y.index_select(0, i2));
        }
        var mean = estimates.Average();
        var std = Math.Sqrt(estimates.Sum(e => (e - mean) * (e - mean)) / subsets);
        return new KidResult(mean, std, subsets, m);
    }

    /// <summary>
    /// Unbiased MMD² between equal-size samples x, y [m, D] (float64) under the cubic polynomial kernel:
    /// the within-set means leave out the diagonal k(xᵢ, xᵢ), which is what removes the bias.
    /// </summary>
    internal static double UnbiasedMmd2(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        var m = x.shape[0];
        var d = (double)x.shape[1];
        var kxx = (x.matmul(x.t()) / d + 1).pow(3);                              // [m, m]
        var kyy = (y.matmul(y.t()) / d + 1).pow(3);                              // [m, m]
        var kxy = (x.matmul(y.t()) / d + 1).pow(3);                              // [m, m]
        var within = (kxx.sum() - kxx.diagonal().sum() + kyy.sum() - kyy.diagonal().sum()) / (m * (m - 1.0));
        return (within - 2 * kxy.mean()).item<double>();
    }
}
