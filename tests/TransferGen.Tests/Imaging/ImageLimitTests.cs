using SkiaSharp;
using TransferGen.Imaging;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Imaging;

/// <summary>The pixel limit, checked from the header before any buffer is sized, and what a decode check reports.</summary>
public class ImageLimitTests
{
    [Fact]
    public void A_png_header_claiming_30000_squared_pixels_is_refused_before_decoding()
    {
        // 30000·30000·4 bytes overflows an int; the header is all there is, so nothing may be allocated for it.
        using var temp = new TempFolder();
        var path = temp["huge.png"];
        File.WriteAllBytes(path, CraftedImages.Png(30000, 30000));

        var e = Assert.Throws<InvalidOptionException>(() => ImageCodec.Decode(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("30000 × 30000", e.Message);
        Assert.Contains("100000000", e.Message);
        Assert.Equal(["MaxImagePixels"], e.Properties);
    }

    public static TheoryData<string, byte[], long> HugeHeaders => new()
    {
        { "huge.png", CraftedImages.Png(60000, 60000), 3_600_000_000 },
        { "huge.jpg", CraftedImages.Jpeg(65000, 65000), 4_225_000_000 },
        { "huge.webp", CraftedImages.Webp(16383, 16383), 268_402_689 },
        { "huge.bmp", CraftedImages.Bmp(30000, 30000), 900_000_000 },
    };

    [Theory]
    [MemberData(nameof(HugeHeaders))]
    public void Every_format_is_measured_from_its_header(string name, byte[] bytes, long pixels)
    {
        using var temp = new TempFolder();
        var path = temp[name];
        File.WriteAllBytes(path, bytes);

        var check = ImageCodec.Check(path);

        Assert.True(check.OverPixelLimit, check.Problem);
        Assert.Equal(pixels, check.Header.Pixels);
        Assert.Contains("over the limit", check.Problem);
        Assert.Throws<InvalidOptionException>(() => ImageCodec.Decode(path));
        Assert.Throws<InvalidOptionException>(() => ImageCodec.Decode(bytes, name));
    }

    [Fact]
    public void The_limit_can_be_lowered_and_raised()
    {
        using var temp = new TempFolder();
        var path = temp["a.png"];
        File.WriteAllBytes(path, CraftedImages.Encode(SKEncodedImageFormat.Png, 40, 30));

        Assert.True(ImageCodec.Check(path, maxPixels: 1199).OverPixelLimit);
        Assert.Throws<InvalidOptionException>(() => ImageCodec.Decode(path, maxPixels: 1199));
        Assert.True(ImageCodec.Check(path, maxPixels: 1200).Ok);
        using var image = ImageCodec.Decode(path, maxPixels: 1200);
        Assert.Equal([3L, 30, 40], image.shape);
    }

    [Fact]
    public void A_truncated_jpeg_with_a_whole_header_fails_the_decode_check()
    {
        using var temp = new TempFolder();
        var path = temp["cut.jpg"];
        var whole = CraftedImages.Encode(SKEncodedImageFormat.Jpeg, 64, 64, canvas =>
        {
            using var paint = new SKPaint { Color = SKColors.Red };
            canvas.DrawCircle(20, 30, 15, paint);
        });
        File.WriteAllBytes(path, whole[..(whole.Length * 2 / 3)]);

        Assert.True(ImageCodec.TryReadHeader(path, out _));
        var check = ImageCodec.Check(path);

        Assert.False(check.Ok);
        Assert.False(check.OverPixelLimit);
        Assert.Contains("truncated", check.Problem);
    }

    [Fact]
    public void Empty_files_and_text_files_fail_the_check_with_what_they_are()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["empty.png"], []);
        File.WriteAllText(temp["text.jpg"], "hello, I am not a JPEG");

        Assert.Equal("an empty file", ImageCodec.Check(temp["empty.png"]).Problem);
        Assert.StartsWith("not an image", ImageCodec.Check(temp["text.jpg"]).Problem);
    }

    [Fact]
    public void A_folder_is_named_as_a_folder()
    {
        using var temp = new TempFolder();
        var folder = temp.Folder("pictures");

        var e = Assert.Throws<InputException>(() => ImageCodec.Decode(folder));

        Assert.Contains(folder, e.Message);
        Assert.Contains("is a folder", e.Message);
        Assert.DoesNotContain("no such", e.Message);
    }
}
