using SkiaSharp;
using TransferGen.Imaging;
using TransferGen.Tests.Data;
using static TorchSharp.torch;

namespace TransferGen.Tests.Imaging;

/// <summary>EXIF orientation is applied when decoding, as cameras and image viewers mean it.</summary>
public class ExifOrientationTests
{
    // A 16×8 JPEG: red in the stored top-left corner, blue in the stored top-right corner, gray elsewhere.
    static byte[] MarkedJpeg() => CraftedImages.Encode(SKEncodedImageFormat.Jpeg, 16, 8, canvas =>
    {
        using var red = new SKPaint { Color = SKColors.Red };
        using var blue = new SKPaint { Color = SKColors.Blue };
        canvas.DrawRect(0, 0, 4, 4, red);
        canvas.DrawRect(12, 0, 4, 4, blue);
    });

    // Where the stored top-left (red) and top-right (blue) corners appear once the orientation is applied,
    // from the EXIF 2.3 definitions: 2 mirrors left-right, 3 turns 180°, 4 mirrors top-bottom, 5 transposes,
    // 6 needs a quarter turn clockwise, 7 transverses, 8 needs a quarter turn anticlockwise.
    public static TheoryData<ushort, string, string, bool> Orientations => new()
    {
        { 1, "top-left", "top-right", false },
        { 2, "top-right", "top-left", false },
        { 3, "bottom-right", "bottom-left", false },
        { 4, "bottom-left", "bottom-right", false },
        { 5, "top-left", "bottom-left", true },
        { 6, "top-right", "bottom-right", true },
        { 7, "bottom-right", "top-right", true },
        { 8, "bottom-left", "top-left", true },
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void The_orientation_tag_turns_and_mirrors_the_pixels(ushort orientation, string red, string blue, bool swapsSides)
    {
        using var temp = new TempFolder();
        var path = temp[$"o{orientation}.jpg"];
        File.WriteAllBytes(path, CraftedImages.WithExifOrientation(MarkedJpeg(), orientation));

        using var image = ImageCodec.Decode(path);
        Assert.True(ImageCodec.TryReadHeader(path, out var header));

        var (height, width) = swapsSides ? (16L, 8L) : (8L, 16L);
        Assert.Equal([3L, height, width], image.shape);
        Assert.Equal((width, height), (header.Width, header.Height));
        Assert.Equal(red, CornerOf(image, channel: 0));
        Assert.Equal(blue, CornerOf(image, channel: 2));
    }

    // The corner whose 2×2 block has the most of the channel (red 0, blue 2) and little of the others.
    static string CornerOf(Tensor image, int channel)
    {
        var h = image.shape[1];
        var w = image.shape[2];
        var corners = new Dictionary<string, (long Y, long X)>
        {
            ["top-left"] = (0, 0), ["top-right"] = (0, w - 2), ["bottom-left"] = (h - 2, 0), ["bottom-right"] = (h - 2, w - 2),
        };
        using var f = image.to_type(ScalarType.Float32);
        return corners.MaxBy(c =>
        {
            using var block = f[.., TensorIndex.Slice(c.Value.Y, c.Value.Y + 2), TensorIndex.Slice(c.Value.X, c.Value.X + 2)];
            using var mean = block.mean([1, 2]);
            var values = mean.data<float>().ToArray();
            return values[channel] - values.Where((_, i) => i != channel).Sum();
        }).Key;
    }
}
