using TransferGen.Metrics;
using static TorchSharp.torch;

namespace TransferGen.Tests.Metrics;

/// <summary>Improved precision and recall on sets whose answer is known by construction.</summary>
public class PrecisionRecallTests
{
    static Tensor Gaussian(int n, int d, ulong seed, double shift = 0, double scale = 1)
    {
        using var g = new Generator(seed);
        return randn(new long[] { n, d }, dtype: ScalarType.Float64, generator: g) * scale + shift;
    }

    [Fact]
    public void Identical_sets_give_one_and_one()
    {
        using var scope = NewDisposeScope();
        var x = Gaussian(300, 16, 1);
        var pr = PrecisionRecall.Compute(x, x.clone());
        Assert.Equal(1.0, pr.Precision);
        Assert.Equal(1.0, pr.Recall);
        Assert.Equal(3, pr.K);
    }

    [Fact]
    public void A_set_collapsed_to_one_point_has_low_recall_and_keeps_its_precision()
    {
        using var scope = NewDisposeScope();
        var real = Gaussian(400, 8, 2);
        // Every generated sample is the same real-looking point (a real sample's position): perfect fidelity, no diversity.
        var collapsed = real[0].unsqueeze(0).expand(400, -1).contiguous();
        var pr = PrecisionRecall.Compute(real, collapsed);
        Assert.Equal(1.0, pr.Precision);
        Assert.True(pr.Recall <= 2.0 / 400, $"recall {pr.Recall}");
    }

    [Fact]
    public void A_set_far_from_the_real_one_has_low_precision_and_low_recall()
    {
        using var scope = NewDisposeScope();
        var pr = PrecisionRecall.Compute(Gaussian(300, 8, 3), Gaussian(300, 8, 4, shift: 10));
        Assert.Equal(0.0, pr.Precision);
        Assert.Equal(0.0, pr.Recall);
    }

    [Fact]
    public void A_narrow_set_inside_a_wide_one_has_high_precision_and_low_recall()
    {
        using var scope = NewDisposeScope();
        // Generated samples from the real distribution's core only: sharp but not varied.
        var pr = PrecisionRecall.Compute(Gaussian(1000, 4, 5), Gaussian(1000, 4, 6, scale: 0.25));
        Assert.True(pr.Precision > 0.95, $"precision {pr.Precision}");
        Assert.True(pr.Recall < 0.5, $"recall {pr.Recall}");

        // Swapping the roles swaps the verdict: wide samples against a narrow reference are varied but often off.
        var swapped = PrecisionRecall.Compute(Gaussian(1000, 4, 6, scale: 0.25), Gaussian(1000, 4, 5));
        Assert.True(swapped.Recall > 0.95, $"recall {swapped.Recall}");
        Assert.True(swapped.Precision < 0.5, $"precision {swapped.Precision}");
    }

    [Fact]
    public void Two_samples_of_one_distribution_score_high_on_both()
    {
        using var scope = NewDisposeScope();
        var pr = PrecisionRecall.Compute(Gaussian(1500, 4, 7), Gaussian(1500, 4, 8));
        Assert.InRange(pr.Precision, 0.8, 1.0);
        Assert.InRange(pr.Recall, 0.8, 1.0);
    }

    [Fact]
    public void Radii_are_the_distance_to_the_kth_other_point_across_chunks()
    {
        using var scope = NewDisposeScope();
        // Points on a line at 0, 1, 2, ...: the 3rd nearest other point of an interior point is 2 away, of the ends 3.
        var line = arange(2100, dtype: ScalarType.Float64).unsqueeze(1);
        var radii = PrecisionRecall.Radii(line, 3);
        Assert.Equal(3.0, radii[0].item<double>(), 6);
        Assert.Equal(2.0, radii[1500].item<double>(), 6);   // in the second chunk of rows
        Assert.Equal(3.0, radii[2099].item<double>(), 6);
        Assert.Equal(2.0, radii[1].item<double>(), 6);      // neighbours at 0, 2, 3
    }

    [Theory]
    [InlineData(3, 10)]
    [InlineData(10, 2)]
    public void Too_few_samples_are_refused(int real, int generated)
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => PrecisionRecall.Compute(Gaussian(real, 4, 1), Gaussian(generated, 4, 2)));
    }
}
