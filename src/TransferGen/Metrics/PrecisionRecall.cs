using static TorchSharp.torch;

namespace TransferGen.Metrics;

/// <summary>Improved precision and recall of a generated set against a real one.</summary>
/// <param name="Precision">Share of generated samples inside the real manifold (fidelity).</param>
/// <param name="Recall">Share of real samples inside the generated manifold (diversity, coverage).</param>
/// <param name="K">The nearest neighbour whose distance is each sample's radius.</param>
public readonly record struct PrecisionRecallResult(double Precision, double Recall, int K);

/// <summary>
/// Improved precision and recall (Kynkäänniemi et al. 2019). Each set's manifold is the union of balls around its
/// samples, each ball's radius the distance to the sample's k-th nearest neighbour in the same set. Precision is the
/// share of generated samples inside the real manifold; recall the share of real samples inside the generated one.
/// Unlike one FID number they separate fidelity (sharp but alike images: high precision, low recall) from
/// diversity (varied but off images: the reverse).
/// </summary>
public static class PrecisionRecall
{
    /// <summary>The paper's k.</summary>
    public const int DefaultK = 3;

    // Rows of distances computed at once: [Chunk, N] floats stay a few tens of MB for N = 10,000.
    const int Chunk = 1024;

    /// <summary>Precision and recall of <paramref name="generated"/> [M, D] against <paramref name="real"/> [N, D].</summary>
    /// <param name="real">Real features [N, D], N &gt; k.</param>
    /// <param name="generated">Generated features [M, D], M &gt; k.</param>
    /// <param name="k">Nearest neighbour that sets the radii (default 3).</param>
    public static PrecisionRecallResult Compute(Tensor real, Tensor generated, int k = DefaultK)
    {
        if (real.dim() != 2 || generated.dim() != 2 || real.shape[1] != generated.shape[1])
            throw new ArgumentException($"features must be [N, D] and [M, D], got [{string.Join(", ", real.shape)}] and [{string.Join(", ", generated.shape)}]");
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (real.shape[0] <= k || generated.shape[0] <= k)
            throw new ArgumentException($"precision/recall with k = {k} needs more than {k} samples in each set, got {real.shape[0]} and {generated.shape[0]}");
        using var scope = NewDisposeScope();
        var x = real.to_type(ScalarType.Float64);
        var y = generated.to_type(ScalarType.Float64);
        var realRadii = Radii(x, k);
        var generatedRadii = Radii(y, k);
        return new PrecisionRecallResult(Inside(y, x, realRadii), Inside(x, y, generatedRadii), k);
    }

    /// <summary>Distance from each row of <paramref name="set"/> to its k-th nearest other row.</summary>
    internal static Tensor Radii(Tensor set, int k)
    {
        var radii = new List<Tensor>();
        for (long start = 0; start < set.shape[0]; start += Chunk)
        {
            var rows = set.narrow(0, start, Math.Min(Chunk, set.shape[0] - start));
            // The k + 1 smallest distances include the row's own 0; the largest of them is the k-th neighbour.
            var nearest = cdist(rows, set).topk(k + 1, dim: 1, largest: false).values;
            radii.Add(nearest.select(1, k));
        }
        return cat(radii, 0);
    }

    /// <summary>Share of the rows of <paramref name="queries"/> within some ball of <paramref name="set"/>.</summary>
    static double Inside(Tensor queries, Tensor set, Tensor radii)
    {
        long inside = 0;
        for (long start = 0; start < queries.shape[0]; start += Chunk)
        {
            using var scope = NewDisposeScope();
            var rows = queries.narrow(0, start, Math.Min(Chunk, queries.shape[0] - start));
            inside += cdist(rows, set).le(radii.unsqueeze(0)).any(1).sum().item<long>();
        }
        return (double)inside / queries.shape[0];
    }
}
