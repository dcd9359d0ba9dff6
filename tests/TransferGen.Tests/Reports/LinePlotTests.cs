using TransferGen.Reports;

namespace TransferGen.Tests.Reports;

public class LinePlotTests
{
    [Fact]
    public void Loss_versus_learning_rate_on_a_log_axis()
    {
        var rates = Enumerable.Range(0, 60).Select(i => 1e-6 * Math.Pow(10, i / 10.0)).ToArray();
        var losses = rates.Select(lr => 2.3 - 0.3 * Math.Log10(lr / 1e-6) + (lr > 0.1 ? 40 * lr : 0)).ToArray();
        var png = LinePlot.RenderPng([new PlotSeries("loss", rates, losses)],
            new LinePlotOptions { Title = "Learning-rate finder", XLabel = "learning rate", YLabel = "loss", LogX = true, Markers = false });
        using var bitmap = PngAssert.Decodes(png, (800, 800), (500, 500), "lr-finder");
        // The x axis labels sit along the bottom: with fonts working there is text there.
        Assert.True(PngAssert.DarkPixels(bitmap, new SkiaSharp.SKRectI(0, 440, 800, 500)) > 100, "no axis text was drawn");
    }

    [Fact]
    public void Skips_non_finite_and_non_positive_points_and_still_renders()
    {
        double[] xs = [1, 2, 3, 4, 5];
        double[] ys = [50, double.NaN, 40, double.PositiveInfinity, 30];
        var png = LinePlot.RenderPng([new PlotSeries("fid", xs, ys)], new LinePlotOptions { Title = "FID", XLabel = "epoch", LogY = true, Width = 400, Height = 300 });
        PngAssert.Decodes(png, (400, 400), (300, 300), "fid").Dispose();
    }

    [Fact]
    public void No_data_renders_a_placeholder()
    {
        var png = LinePlot.RenderPng([]);
        PngAssert.Decodes(png, (800, 800), (500, 500), "empty").Dispose();
    }

    [Fact]
    public void Rejects_series_of_unequal_length()
    {
        Assert.Throws<ArgumentException>(() => LinePlot.RenderPng([new PlotSeries("x", [1, 2], [1])]));
    }
}
