using TransferGen.Metrics;
using static TorchSharp.torch;

namespace TransferGen.Tests.Metrics;

public class FidTests
{
    static Tensor Vec(params double[] v) => tensor(v);

    static Tensor RandomSpd(int d, long seed, double ridge = 0.1)
    {
        using var g = new TorchSharp.torch.Generator((ulong)seed);
        var a = randn(new long[] { d, d }, dtype: ScalarType.Float64, generator: g);
        return a.matmul(a.t()) + ridge * eye(d, dtype: ScalarType.Float64);
    }

    /// <summary>tr √(Σ1Σ2) a second way: the eigenvalues of the non-symmetric product itself (real, ≥ 0 in exact arithmetic).</summary>
    static double TraceSqrtViaProductEigenvalues(Tensor s1, Tensor s2) =>
        linalg.eigvals(s1.matmul(s2)).real.clamp_min(0).sqrt().sum().item<double>();

    [Fact]
    public void OneDimensionalGaussiansMatchTheClosedForm()
    {
        using var scope = NewDisposeScope();
        // (μ1−μ2)² + σ1² + σ2² − 2σ1σ2 with μ1 = 1, σ1 = 2, μ2 = −0.5, σ2 = 0.5
        var fd = Fid.FrechetDistance(Vec(1), Vec(4).reshape(1, 1), Vec(-0.5), Vec(0.25).reshape(1, 1));
        Assert.Equal(2.25 + 4 + 0.25 - 2 * 2 * 0.5, fd, 12);
    }

    [Fact]
    public void DiagonalCovariancesCommuteAndSeparatePerDimension()
    {
        using var scope = NewDisposeScope();
        double[] a = [1, 4, 9, 0.5], b = [4, 1, 9, 2];
        var fd = Fid.FrechetDistance(Vec(0, 1, 2, 3), diag(Vec(a)), Vec(1, 1, 2, 1), diag(Vec(b)));
        var expected = 1 + 0 + 0 + 4 + a.Zip(b, (x, y) => Math.Pow(Math.Sqrt(x) - Math.Sqrt(y), 2)).Sum();
        Assert.Equal(expected, fd, 10);
    }

    [Fact]
    public void IdenticalStatisticsGiveZero()
    {
        using var scope = NewDisposeScope();
        var s = RandomSpd(16, 1);
        var mu = randn(16, dtype: ScalarType.Float64);
        Assert.Equal(0.0, Fid.FrechetDistance(mu, s, mu, s), 9);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(32)]
    public void TraceOfTheSquareRootAgreesWithAnIndependentMethod(int d)
    {
        using var scope = NewDisposeScope();
        var s1 = RandomSpd(d, 10 + d);
        var s2 = RandomSpd(d, 20 + d);
        var expected = TraceSqrtViaProductEigenvalues(s1, s2);
        Assert.Equal(expected, Fid.TraceSqrtProduct(s1, s2), 6);
        Assert.Equal(Fid.FrechetDistance(zeros(d), s1, zeros(d), s2), Fid.FrechetDistance(zeros(d), s2, zeros(d), s1), 8);
    }

    [Fact]
    public void SingularCovarianceNeedsNoRegularization()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(4);
        var x = randn(6, 20);                       // 6 samples in 20 dimensions: rank-5 covariance
        var y = randn(6, 20) + 0.5;
        var fd = Fid.Compute(x, y);
        Assert.True(double.IsFinite(fd) && fd > 0);
        Assert.Equal(0.0, Fid.Compute(x, x), 6);
        using var a = FeatureStatistics.Compute(x);
        using var b = FeatureStatistics.Compute(y);
        Assert.Equal(TraceSqrtViaProductEigenvalues(a.Covariance, b.Covariance), Fid.TraceSqrtProduct(a.Covariance, b.Covariance), 5);
    }

    [Fact]
    public void FeatureSetsAreScoredSymmetricallyAndZeroAgainstThemselves()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        var x = randn(300, 12);
        var y = randn(300, 12) * 1.3 + 0.2;
        Assert.Equal(0.0, Fid.Compute(x, x), 8);
        Assert.Equal(Fid.Compute(x, y), Fid.Compute(y, x), 8);
        Assert.True(Fid.Compute(x, y) > 0.5);
    }

    [Fact]
    public void GrowsMonotonicallyWithAddedNoise()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(6);
        var x = randn(400, 10);
        var noise = randn(400, 10);
        var scores = new[] { 0.0, 0.1, 0.3, 0.6, 1.0, 2.0 }.Select(s => Fid.Compute(x, x + noise * s)).ToArray();
        Assert.Equal(0.0, scores[0], 8);
        for (var i = 1; i < scores.Length; i++) Assert.True(scores[i] > scores[i - 1], string.Join(", ", scores));
    }

    [Fact]
    public void FeatureStatisticsMatchTheDefinition()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[,] { { 1, 2 }, { 3, 6 }, { 5, 4 } });
        using var stats = FeatureStatistics.Compute(x);
        Assert.Equal(new[] { 3.0, 4.0 }, stats.Mean.data<double>().ToArray());
        // var = ((−2)² + 0² + 2²)/2 = 4; (−2)² + 2² + 0² → 4; cov = (4 + 0 + 0)/2 = 2 — unbiased, like numpy.cov
        Assert.Equal(new[] { 4.0, 2.0, 2.0, 4.0 }, stats.Covariance.data<double>().ToArray());
        Assert.Equal(ScalarType.Float64, stats.Covariance.dtype);
    }

    [Fact]
    public void BadInputsAreRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => Fid.FrechetDistance(zeros(2), eye(2), zeros(3), eye(3)));
        Assert.Throws<ArgumentException>(() => Fid.FrechetDistance(zeros(2), eye(2) * double.NaN, zeros(2), eye(2)));
        Assert.Throws<ArgumentException>(() => FeatureStatistics.Compute(zeros(1, 4)));
    }
}
