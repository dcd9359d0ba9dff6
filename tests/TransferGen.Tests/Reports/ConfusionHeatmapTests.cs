using TorchSharp;
using TransferGen.Metrics;
using TransferGen.Reports;

namespace TransferGen.Tests.Reports;

public class ConfusionHeatmapTests
{
    [Fact]
    public void Renders_a_readable_png_for_a_small_report()
    {
        using var scores = torch.tensor(new float[,] { { 3, 1, 0 }, { 0, 3, 1 }, { 1, 0, 3 }, { 3, 0, 1 }, { 0, 1, 3 }, { 1, 3, 0 }, { 3, 1, 0 } });
        using var labels = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2, 2 });
        var report = ClassificationReport.Compute(scores, labels, ["airplane", "automobile", "bird"]);

        var png = ConfusionHeatmap.RenderPng(report);
        using var bitmap = PngAssert.Decodes(png, (250, 900), (250, 900), "confusion-3");
        // The title band above the grid must hold text: no font means no dark pixels there.
        Assert.True(PngAssert.DarkPixels(bitmap, new SkiaSharp.SKRectI(0, 0, bitmap.Width, 30)) > 50, "no title text was drawn");
    }

    [Fact]
    public void Renders_many_classes_without_counts()
    {
        const int k = 30;
        var counts = Enumerable.Range(0, k).Select(r => Enumerable.Range(0, k).Select(c => (long)(r == c ? 50 : (r + c) % 7)).ToArray()).ToArray();
        var names = Enumerable.Range(0, k).Select(i => $"class_{i:00}_with_a_rather_long_name").ToArray();
        var png = ConfusionHeatmap.RenderPng(counts, names);
        PngAssert.Decodes(png, (500, 1400), (500, 1400), "confusion-30").Dispose();
    }

    [Fact]
    public void Empty_rows_and_zero_counts_are_fine()
    {
        long[][] counts = [[0, 0], [0, 0]];
        var png = ConfusionHeatmap.RenderPng(counts, ["a", "b"]);
        PngAssert.Decodes(png, (100, 900), (100, 900), "confusion-empty").Dispose();
    }

    [Fact]
    public void Rejects_a_matrix_that_does_not_match_the_names()
    {
        long[][] counts = [[1, 2], [3, 4]];
        Assert.Throws<ArgumentException>(() => ConfusionHeatmap.RenderPng(counts, ["a", "b", "c"]));
    }

    [Fact]
    public void SavePng_writes_the_file_atomically()
    {
        var dir = Directory.CreateTempSubdirectory("tg-heatmap-");
        try
        {
            using var scores = torch.tensor(new float[,] { { 1, 0 }, { 0, 1 } });
            using var labels = torch.tensor(new long[] { 0, 1 });
            var path = Path.Combine(dir.FullName, "eval", "confusion.png");
            ConfusionHeatmap.SavePng(path, ClassificationReport.Compute(scores, labels, ["x", "y"]));
            Assert.NotNull(SkiaSharp.SKBitmap.Decode(path));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
