using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Tests.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Generation;

public class GanSamplingTests
{
    [Fact]
    public void GridHasTheExpectedLayoutAndRangeAndRestoresTrainingMode()
    {
        using var scope = NewDisposeScope();
        var (g, _) = TinyGan.Create("dcgan", new ImageShape(1, 28, 28));
        g.train();
        var grid = GanSampling.Grid(g, GanSampling.FixedNoise(12, g.LatentDim, seed: 5), nrow: 4, padding: 2);
        Assert.Equal(new long[] { 3, 3 * 30 + 2, 4 * 30 + 2 }, grid.shape);   // grey repeated to RGB; rows of 28+2 px
        Assert.InRange(grid.min().item<float>(), 0f, 1f);
        Assert.InRange(grid.max().item<float>(), 0f, 1f);
        Assert.True(g.training);
    }

    [Fact]
    public void A_conditional_grid_over_all_classes_has_one_class_per_row()
    {
        var (g, _) = TinyGan.Create("cdcgan-proj", new ImageShape(1, 28, 28), classes: 3);
        using var temp = new TransferGen.Tests.Data.TempFolder();
        var path = temp["grid.png"];
        GanImageWriter.WriteGrid(g, ["a", "b", "c"], path, count: 12, classIndex: null, seed: 1);   // 3 classes × 4
        Assert.True(TransferGen.Imaging.ImageCodec.TryReadHeader(path, out var header));
        Assert.Equal((4 * 30 + 2, 3 * 30 + 2), (header.Width, header.Height));
        GanImageWriter.WriteGrid(g, ["a", "b", "c"], path, count: 12, classIndex: 1, seed: 1);      // one class: rows of ⌈√12⌉
        Assert.True(TransferGen.Imaging.ImageCodec.TryReadHeader(path, out header));
        Assert.Equal((4 * 30 + 2, 3 * 30 + 2), (header.Width, header.Height));
        GanImageWriter.WriteGrid(g, ["a", "b", "c"], path, count: 6, classIndex: null, seed: 1);    // 3 classes × 2
        Assert.True(TransferGen.Imaging.ImageCodec.TryReadHeader(path, out header));
        Assert.Equal((2 * 30 + 2, 3 * 30 + 2), (header.Width, header.Height));
    }

    [Fact]
    public void FixedNoiseIsReproducible()
    {
        using var scope = NewDisposeScope();
        Assert.True(GanSampling.FixedNoise(4, 8, 1).allclose(GanSampling.FixedNoise(4, 8, 1)));
        Assert.False(GanSampling.FixedNoise(4, 8, 1).allclose(GanSampling.FixedNoise(4, 8, 2)));
    }

    [Fact]
    public void ClassRowLabelsPutOneClassPerRow()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 0, 0, 1, 1, 2, 2 }, GanSampling.ClassRowLabels(3, 2).data<long>().ToArray());
    }

    [Fact]
    public void InterpolationHitsBothEndsAndSlerpKeepsTheNorm()
    {
        using var scope = NewDisposeScope();
        var z0 = tensor(new[] { 3f, 0f });
        var z1 = tensor(new[] { 0f, 3f });
        var line = GanSampling.Interpolate(z0, z1, 5);
        Assert.Equal(new long[] { 5, 2 }, line.shape);
        Assert.True(line[0].allclose(z0) && line[4].allclose(z1));
        Assert.Equal(1.5f, line[2][0].item<float>(), 5);

        var arc = GanSampling.Interpolate(z0, z1, 5, spherical: true);
        Assert.True(arc[0].allclose(z0, atol: 1e-6) && arc[4].allclose(z1, atol: 1e-6));
        Assert.True(arc.norm(1).allclose(full(5, 3f), atol: 1e-5));           // on the circle of radius 3
        // Parallel ends: slerp falls back to lerp instead of dividing by sin 0.
        Assert.True(GanSampling.Interpolate(z0, z0 * 2, 3, spherical: true)[1].allclose(z0 * 1.5));
    }

    [Fact]
    public void InterpolationStripIsOneRow()
    {
        using var scope = NewDisposeScope();
        var (g, _) = TinyGan.Create("cdcgan-proj", new ImageShape(3, 32, 32));
        var strip = GanSampling.InterpolationStrip(g, randn(g.LatentDim), randn(g.LatentDim), steps: 6, label: 1);
        Assert.Equal(new long[] { 3, 32 + 2 * 2, 6 * 34 + 2 }, strip.shape);   // one row of 32 px images, 2 px padding around
    }

    [Fact]
    public void BatchesAreDeterministicSizedAndInUnitRange()
    {
        using var scope = NewDisposeScope();
        var (g, _) = TinyGan.Create("cdcgan-ac", new ImageShape(1, 28, 28));
        var batches = GanSampling.Batches(g, count: 10, batchSize: 4, seed: 3).ToList();
        Assert.Equal(new long[] { 4, 4, 2 }, batches.Select(b => b.shape[0]).ToArray());
        Assert.All(batches, b => Assert.InRange(b.min().item<float>(), 0f, 1f));
        var again = GanSampling.Batches(g, count: 10, batchSize: 4, seed: 3).First();
        Assert.True(batches[0].allclose(again));
    }
}
