using TransferGen.Imaging;
using TransferGen.Tests.Data;
using static TorchSharp.torch;

namespace TransferGen.Tests.Imaging;

public class ImageCodecTests
{
    [Fact]
    public void RgbUint8RoundTripsExactly()
    {
        using var image = arange(0, 3 * 5 * 7, dtype: ScalarType.Int32).remainder(256).to_type(ScalarType.Byte).reshape(3, 5, 7);

        using var back = ImageCodec.Decode(ImageCodec.EncodePng(image), "memory");

        Assert.Equal([3L, 5, 7], back.shape);
        Assert.Equal(image.data<byte>().ToArray(), back.data<byte>().ToArray());
    }

    [Fact]
    public void FloatImagesAreScaledFromZeroToOne()
    {
        using var image = tensor(new[] { 0f, 0.5f, 1f, 2f }).reshape(1, 2, 2);

        using var back = ImageCodec.Decode(ImageCodec.EncodePng(image), "memory");

        Assert.Equal([1L, 2, 2], back.shape);
        Assert.Equal(new byte[] { 0, 128, 255, 255 }, back.data<byte>().ToArray());
    }

    [Fact]
    public void GrayCanBeAskedForAsRgb()
    {
        using var image = full([1, 2, 3], 40, ScalarType.Byte);

        using var back = ImageCodec.Decode(ImageCodec.EncodePng(image), "memory", channels: 3);

        Assert.Equal([3L, 2, 3], back.shape);
        Assert.All(back.data<byte>().ToArray(), v => Assert.Equal(40, v));
    }

    [Fact]
    public void ColourAskedForAsGrayUsesLuma()
    {
        // Pure red, green and blue pixels.
        using var image = tensor(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255 }).reshape(3, 1, 3);

        using var back = ImageCodec.Decode(ImageCodec.EncodePng(image), "memory", channels: 1);

        Assert.Equal(new byte[] { 76, 150, 29 }, back.data<byte>().ToArray());
    }

    [Fact]
    public void AlphaIsCompositedOnBlack()
    {
        // One opaque white pixel, one fully transparent white pixel.
        using var image = tensor(new byte[] { 255, 255, 255, 255, 255, 255, 255, 0 }).reshape(4, 1, 2);

        using var back = ImageCodec.Decode(ImageCodec.EncodePng(image), "memory");

        Assert.Equal([3L, 1, 2], back.shape);
        Assert.Equal(new byte[] { 255, 0, 255, 0, 255, 0 }, back.data<byte>().ToArray());
    }

    [Fact]
    public void SavePngReplacesTheFileAndLeavesNoTemporaryFile()
    {
        using var temp = new TempFolder();
        var path = temp["out/grid.png"];
        ImageCodec.SavePng(zeros([3, 2, 2], ScalarType.Byte), path);
        ImageCodec.SavePng(full([3, 4, 4], 9, ScalarType.Byte), path);

        Assert.Equal(["grid.png"], Directory.GetFiles(temp["out"]).Select(Path.GetFileName));
        using var back = ImageCodec.Decode(path);
        Assert.Equal([3L, 4, 4], back.shape);
        Assert.True(ImageCodec.TryReadHeader(path, out var header));
        Assert.Equal(new ImageHeader(4, 4, false), header);
    }

    [Fact]
    public void NonImagesAreInputErrorsNamingTheFile()
    {
        using var temp = new TempFolder();
        var path = temp["fake.png"];
        File.WriteAllText(path, "hello");

        Assert.False(ImageCodec.TryReadHeader(path, out _));
        Assert.Contains(path, Assert.Throws<InputException>(() => ImageCodec.Decode(path)).Message);
        Assert.Contains(temp["missing.png"], Assert.Throws<InputException>(() => ImageCodec.Decode(temp["missing.png"])).Message);
    }
}
