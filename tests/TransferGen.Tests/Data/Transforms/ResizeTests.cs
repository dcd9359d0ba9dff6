using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
using static TorchSharp.torch;
using static TransferGen.Tests.Data.TestImages;

namespace TransferGen.Tests.Data.Transforms;

public class ResizeTests
{
    [Theory]
    [InlineData(8, 8, 4, 4)]
    [InlineData(2, 2, 5, 7)]
    [InlineData(6, 3, 4, 9)]
    public void ConstantImageStaysConstant(int h, int w, int newH, int newW)
    {
        using var image = torch.full(2, h, w, 0.5f);
        using var resized = new Resize(newH, newW).Apply(image, new Random(0));
        AssertValues(resized, [2, newH, newW], Enumerable.Repeat(0.5f, 2 * newH * newW).ToArray(), 1e-6f);
    }

    [Fact]
    public void ShrinkingIsAntialiased()
    {
        // Halving [0, 0, 4, 4] with a triangle filter twice as wide as a pixel: weights ¾, ¾, ¼ (normalised by 7/4)
        // give 4/7 and 24/7. Plain bilinear sampling would give 0 and 4.
        using var row = Float([0, 0, 4, 4], 1, 1, 4);
        using var half = new Resize(1, 2).Apply(row, new Random(0));
        AssertValues(half, [1, 1, 2], [4f / 7, 24f / 7], 1e-5f);
    }

    [Fact]
    public void ShorterSideKeepsTheAspectRatio()
    {
        var resize = Resize.ShorterSide(4);
        using var wide = torch.zeros(1, 8, 16);
        using var tall = torch.zeros(3, 16, 8);
        using var wideResult = resize.Apply(wide, new Random(0));
        using var tallResult = resize.Apply(tall, new Random(0));
        Assert.Equal([1L, 4, 8], wideResult.shape);
        Assert.Equal([3L, 8, 4], tallResult.shape);
        Assert.Equal(new ImageShape(1, 4, 8), resize.OutputShape(new ImageShape(1, 8, 16)));
    }

    [Fact]
    public void BytesAreResizedAndRoundedBack()
    {
        using var image = torch.full([1, 4, 4], (byte)100, dtype: ScalarType.Byte);
        using var resized = new Resize(2, 2).Apply(image, new Random(0));
        Assert.Equal(ScalarType.Byte, resized.dtype);
        Assert.Equal(Enumerable.Repeat((byte)100, 4), resized.data<byte>().ToArray());
    }

    [Fact]
    public void SameSizeIsACopy()
    {
        using var image = Ramp(1, 3, 3);
        using var same = new Resize(3, 3).Apply(image, new Random(0));
        AssertValues(same, [1, 3, 3], Values(image), 0);
    }
}
