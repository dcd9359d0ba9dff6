using TorchSharp;
using TransferGen.Data.Transforms;
using static TorchSharp.torch;
using static TransferGen.Tests.Data.TestImages;

namespace TransferGen.Tests.Data.Transforms;

public class ColorTransformTests
{
    [Fact]
    public void ToFloatDividesBytesBy255()
    {
        using var image = Bytes([0, 51, 255], 1, 1, 3);
        using var result = new ToFloat().Apply(image, new Random(0));
        AssertValues(result, [1, 1, 3], [0, 0.2f, 1], 1e-7f);
    }

    [Fact]
    public void ToFloatLeavesFloatValuesAlone()
    {
        using var image = Float([0.25f, 0.5f], 1, 1, 2);
        using var result = new ToFloat().Apply(image, new Random(0));
        AssertValues(result, [1, 1, 2], [0.25f, 0.5f], 0);
    }

    [Fact]
    public void GrayscaleToRgbRepeatsTheChannel()
    {
        using var image = Float([1, 2, 3, 4], 1, 2, 2);
        using var rgb = new GrayscaleToRgb().Apply(image, new Random(0));
        AssertValues(rgb, [3, 2, 2], [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4], 0);
    }

    [Fact]
    public void GrayscaleToRgbPassesRgbThrough()
    {
        using var image = Ramp(3, 1, 2);
        using var rgb = new GrayscaleToRgb().Apply(image, new Random(0));
        AssertValues(rgb, [3, 1, 2], [0, 1, 2, 3, 4, 5], 0);
    }

    [Fact]
    public void GrayscaleToRgbRejectsTwoChannels()
    {
        using var image = Ramp(2, 1, 1);
        Assert.Throws<ArgumentException>(() => new GrayscaleToRgb().Apply(image, new Random(0)));
    }

    [Fact]
    public void RgbToGrayscaleUsesBt601Weights()
    {
        // Pixel 0 is pure red, pixel 1 pure green, pixel 2 pure blue, pixel 3 white.
        using var image = Float([1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1], 3, 1, 4);
        using var gray = new RgbToGrayscale().Apply(image, new Random(0));
        AssertValues(gray, [1, 1, 4], [0.299f, 0.587f, 0.114f, 1f], 1e-6f);
    }

    [Fact]
    public void RgbToGrayscaleRoundsBytes()
    {
        using var image = Bytes([100, 255, 0, 255, 0, 255], 3, 1, 2);
        using var gray = new RgbToGrayscale().Apply(image, new Random(0));
        Assert.Equal(ScalarType.Byte, gray.dtype);
        // 0.299·100 = 29.9 → 30; white stays 255.
        Assert.Equal(new byte[] { 30, 255 }, gray.data<byte>().ToArray());
    }

    [Fact]
    public void NormalizeUsesPerChannelStatistics()
    {
        using var image = Float([0.5f, 1.0f, 0.25f, 0.75f], 2, 1, 2);
        using var result = new Normalize([0.5, 0.25], [0.5, 0.25]).Apply(image, new Random(0));
        AssertValues(result, [2, 1, 2], [0, 1, 0, 2], 1e-6f);
    }

    [Fact]
    public void NormalizeScalesToPixelUnitsFirst()
    {
        using var image = Float([0.5f, 1.0f], 1, 1, 2);
        using var result = new Normalize([127.5], [127.5], scale: 255).Apply(image, new Random(0));
        AssertValues(result, [1, 1, 2], [0, 1], 1e-6f);
    }

    [Fact]
    public void NormalizeWithOneValueAppliesToEveryChannel()
    {
        using var image = Float([1, 0, 0.5f], 3, 1, 1);
        using var result = new Normalize([0.5], [0.5]).Apply(image, new Random(0));
        AssertValues(result, [3, 1, 1], [1, -1, 0], 1e-6f);
    }

    [Fact]
    public void NormalizeRejectsBytesAndWrongChannelCounts()
    {
        using var bytes = Bytes([1, 2], 1, 1, 2);
        var error = Assert.Throws<ArgumentException>(() => new Normalize([0.5], [0.5]).Apply(bytes, new Random(0)));
        Assert.Contains("ToFloat", error.Message);
        using var rgb = Ramp(3, 1, 1);
        Assert.Throws<ArgumentException>(() => new Normalize([0.5, 0.5], [0.5, 0.5]).Apply(rgb, new Random(0)));
        Assert.Throws<ArgumentException>(() => new Normalize([0.5], [0]));
    }
}
