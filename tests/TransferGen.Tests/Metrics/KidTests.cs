using TransferGen.Metrics;
using static TorchSharp.torch;

namespace TransferGen.Tests.Metrics;

public class KidTests
{
    /// <summary>The biased (V-statistic) MMD² that keeps the diagonal: what KID would be without its correction.</summary>
    static double BiasedMmd2(Tensor x, Tensor y)
    {
        var d = (double)x.shape[1];
        Tensor K(Tensor a, Tensor b) => (a.matmul(b.t()) / d + 1).pow(3);
        return (K(x, x).mean() + K(y, y).mean() - 2 * K(x, y).mean()).item<double>();
    }

    [Fact]
    public void IsUnbiasedForTwoSamplesOfTheSameDistribution()
    {
        using var scope = NewDisposeScope();
        const int trials = 40;
        var kids = new double[trials];
        var biased = new double[trials];
        for (var t = 0; t < trials; t++)
        {
            using var g = new TorchSharp.torch.Generator((ulong)(100 + t));
            var x = randn(new long[] { 60, 8 }, dtype: ScalarType.Float64, generator: g);
            var y = randn(new long[] { 60, 8 }, dtype: ScalarType.Float64, generator: g);
            kids[t] = Kid.Compute(x, y, subsets: 1, subsetSize: 60, seed: t).Mean;
            biased[t] = BiasedMmd2(x, y);
        }
        var (mean, sd) = MeanSd(kids);
        // |mean| within 3 standard errors of 0 — while the biased estimate is far above 0 on the same data,
        // so the test would catch a forgotten diagonal correction.
        Assert.True(Math.Abs(mean) < 3 * sd / Math.Sqrt(trials), $"mean {mean}, sd {sd}");
        var (biasedMean, biasedSd) = MeanSd(biased);
        Assert.True(biasedMean > 10 * biasedSd / Math.Sqrt(trials), $"biased mean {biasedMean}, sd {biasedSd}");
    }

    [Fact]
    public void IsLargerForDifferentDistributions()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        var x = randn(200, 8);
        var same = randn(200, 8);
        var shifted = randn(200, 8) + 0.7;
        var kidSame = Kid.Compute(x, same, subsets: 20, subsetSize: 100);
        var kidShifted = Kid.Compute(x, shifted, subsets: 20, subsetSize: 100);
        Assert.True(kidShifted.Mean > kidSame.Mean + 5 * kidShifted.Std, $"{kidSame} vs {kidShifted}");
        Assert.True(kidShifted.Std > 0);
    }

    [Fact]
    public void IsDeterministicForASeedAndUsesTheDefaultSubsetSize()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(12);
        var x = randn(50, 4);
        var y = randn(70, 4) * 2;
        var a = Kid.Compute(x, y, subsets: 5, seed: 3);
        Assert.Equal(a, Kid.Compute(x, y, subsets: 5, seed: 3));
        Assert.NotEqual(a.Mean, Kid.Compute(x, y, subsets: 5, seed: 4).Mean);
        Assert.Equal(25, a.SubsetSize);                       // min(1000, min(50, 70) / 2)
        Assert.Throws<ArgumentOutOfRangeException>(() => Kid.Compute(x, y, subsetSize: 51));
        Assert.Throws<ArgumentException>(() => Kid.Compute(x, randn(50, 5)));
    }

    static (double Mean, double Sd) MeanSd(double[] v)
    {
        var mean = v.Average();
        return (mean, Math.Sqrt(v.Sum(e => (e - mean) * (e - mean)) / (v.Length - 1)));
    }
}
