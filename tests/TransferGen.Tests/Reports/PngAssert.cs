using SkiaSharp;

namespace TransferGen.Tests.Reports;

/// <summary>Checks on rendered PNGs; set TRANSFERGEN_PREVIEW_DIR to keep copies for looking at.</summary>
static class PngAssert
{
    /// <summary>Decodes the PNG, checks its size lies in the given ranges and that it is not one flat colour.</summary>
    public static SKBitmap Decodes(byte[] png, (int Min, int Max) width, (int Min, int Max) height, string previewName)
    {
        if (Environment.GetEnvironmentVariable("TRANSFERGEN_PREVIEW_DIR") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, previewName + ".png"), png);
        }
        var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.InRange(bitmap.Width, width.Min, width.Max);
        Assert.InRange(bitmap.Height, height.Min, height.Max);
        Assert.True(DistinctColours(bitmap) > 10, "the image is (nearly) one flat colour");
        return bitmap;
    }

    public static int DistinctColours(SKBitmap bitmap) => bitmap.Pixels.Distinct().Count();

    /// <summary>How many pixels in the rectangle are dark (text and lines; plots have white backgrounds).</summary>
    public static int DarkPixels(SKBitmap bitmap, SKRectI area)
    {
        var count = 0;
        for (var y = area.Top; y < area.Bottom; y++)
            for (var x = area.Left; x < area.Right; x++)
            {
                var p = bitmap.GetPixel(x, y);
                if (p.Red + p.Green + p.Blue < 200) count++;
            }
        return count;
    }
}
