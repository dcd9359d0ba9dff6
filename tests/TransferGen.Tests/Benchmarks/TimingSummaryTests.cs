using TransferGen.Benchmarks;

namespace TransferGen.Tests.Benchmarks;

public class TimingSummaryTests
{
    [Fact]
    public void Median_of_odd_and_even_counts_and_images_per_second()
    {
        Assert.Equal(2.0, TimingSummary.Median([3.0, 1.0, 2.0]));
        Assert.Equal(2.5, TimingSummary.Median([4.0, 1.0, 3.0, 2.0]));
        Assert.Equal(7.0, TimingSummary.Median([7.0]));

        var s = new TimingSummary("w", "default", 64, [0.5, 0.25, 2.0, 0.5, 0.4]);
        Assert.Equal(0.5, s.MedianSeconds);
        Assert.Equal(0.25, s.MinSeconds);
        Assert.Equal(2.0, s.MaxSeconds);
        Assert.Equal(128.0, s.ImagesPerSecond);
    }

    [Fact]
    public void Median_of_nothing_is_an_error() =>
        Assert.Throws<ArgumentException>(() => TimingSummary.Median([]));
}
