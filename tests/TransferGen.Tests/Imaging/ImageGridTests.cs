using TransferGen.Imaging;
using Xunit;
using static TorchSharp.torch;

namespace TransferGen.Tests.Imaging;

public class ImageGridTests
{
    [Fact]
    public void EveryImageSitsInItsCellWithPaddingAllRound()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var images = rand(7, 3, 5, 6);
        var grid = ImageGrid.Make(images, nrow: 3, padding: 2);
        Assert.Equal(new long[] { 3, 3 * 7 + 2, 3 * 8 + 2 }, grid.shape);
        for (var k = 0; k < 7; k++)
        {
            var cell = grid.narrow(1, 2 + k / 3 * 7, 5).narrow(2, 2 + k % 3 * 8, 6);
            Assert.True((cell == images[k]).all().item<bool>(), $"image {k}");
        }
        Assert.Equal(0, grid.narrow(1, 0, 2).abs().sum().item<float>());   // the top padding
    }

    [Fact]
    public void EightyImagesInRowsOfEightMakeTenFullRows()
    {
        using var scope = NewDisposeScope();
        var images = arange(80, dtype: ScalarType.Float32).reshape(80, 1, 1, 1).expand(-1, 1, 4, 4).div(100);
        var grid = ImageGrid.Make(images, nrow: 8, padding: 2);
        Assert.Equal(new long[] { 3, 10 * 6 + 2, 8 * 6 + 2 }, grid.shape);
        // Image k sits in row k / 8, column k % 8, at offset 2 + 6·index.
        Assert.Equal(79 / 100.0, grid[0, 2 + 9 * 6, 2 + 7 * 6].item<float>(), 5);
        Assert.Equal(13 / 100.0, grid[1, 2 + 1 * 6, 2 + 5 * 6].item<float>(), 5);
        Assert.Equal(0, grid[2, 0, 0].item<float>());
    }

    [Fact]
    public void AShortLastRowIsPadding()
    {
        using var scope = NewDisposeScope();
        var grid = ImageGrid.Make(ones(5, 3, 2, 2), nrow: 4, padding: 1, padValue: 0.5);
        Assert.Equal(new long[] { 3, 2 * 3 + 1, 4 * 3 + 1 }, grid.shape);
        Assert.Equal(1, grid[0, 4, 1].item<float>());       // image 4, first of the second row
        Assert.Equal(0.5, grid[0, 4, 4].item<float>());     // where image 5 would be
    }
}
