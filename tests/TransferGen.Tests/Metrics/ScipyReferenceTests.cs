using System.Text.Json;
using TransferGen.Metrics;
using static TorchSharp.torch;

namespace TransferGen.Tests.Metrics;

/// <summary>Compares with numbers made by numpy/scipy (Fixtures/make_metrics_fixture.py, scipy.linalg.sqrtm for FID).</summary>
public class ScipyReferenceTests
{
    static readonly JsonElement Fixture = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Metrics", "Fixtures", "metrics_scipy.json"))).RootElement;

    static Tensor Vector(JsonElement e) => tensor(e.EnumerateArray().Select(v => v.GetDouble()).ToArray());

    static Tensor Matrix(JsonElement e)
    {
        var rows = e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        return tensor(rows.SelectMany(r => r).ToArray()).reshape(rows.Length, rows[0].Length);
    }

    [Fact]
    public void FrechetDistanceMatchesScipySqrtm()
    {
        using var scope = NewDisposeScope();
        foreach (var c in Fixture.GetProperty("gaussians").EnumerateArray())
        {
            var fd = Fid.FrechetDistance(Vector(c.GetProperty("mu1")), Matrix(c.GetProperty("sigma1")),
                                         Vector(c.GetProperty("mu2")), Matrix(c.GetProperty("sigma2")));
            Assert.Equal(c.GetProperty("fd").GetDouble(), fd, 9);
        }
    }

    [Fact]
    public void FeatureFidAndKidMatchNumpy()
    {
        using var scope = NewDisposeScope();
        var f = Fixture.GetProperty("features");
        var x = Matrix(f.GetProperty("x"));
        var y = Matrix(f.GetProperty("y"));
        Assert.Equal(f.GetProperty("fid").GetDouble(), Fid.Compute(x, y), 9);
        // One subset holding every vector: the subset draw is only a permutation, which MMD² ignores.
        var kid = Kid.Compute(x, y, subsets: 1, subsetSize: (int)x.shape[0]);
        Assert.Equal(f.GetProperty("kid_full_set").GetDouble(), kid.Mean, 10);
        Assert.Equal(0.0, kid.Std);
    }
}
