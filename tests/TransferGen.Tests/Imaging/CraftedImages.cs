using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace TransferGen.Tests.Imaging;

/// <summary>
/// Image files built byte by byte, for headers that no encoder writes: sizes far beyond what the bytes hold, and EXIF
/// orientation tags.
/// </summary>
public static class CraftedImages
{
    /// <summary>
    /// A PNG whose IHDR claims <paramref name="width"/>×<paramref name="height"/> RGB pixels, with one small IDAT
    /// (1,000 zero bytes, zlib-compressed) and IEND, every chunk with its CRC: a few hundred bytes that promise gigabytes.
    /// </summary>
    public static byte[] Png(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;   // bits per sample
        ihdr[9] = 2;   // colour type RGB; compression, filter and interlace stay 0
        WriteChunk(png, "IHDR", ihdr);
        using var zlib = new MemoryStream();
        using (var deflate = new ZLibStream(zlib, CompressionLevel.SmallestSize, leaveOpen: true))
            deflate.Write(new byte[1000]);
        WriteChunk(png, "IDAT", zlib.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A real JPEG of a small image whose SOF0 frame header is rewritten to claim <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static byte[] Jpeg(ushort width, ushort height)
    {
        var jpeg = Encode(SKEncodedImageFormat.Jpeg, 16, 8);
        var sof = IndexOf(jpeg, [0xFF, 0xC0]);
        // FF C0, length (2), precision (1), height (2), width (2)
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), height);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), width);
        return jpeg;
    }

    /// <summary>
    /// A real lossy WebP of a small image whose VP8 frame header is rewritten to claim <paramref name="width"/>×<paramref name="height"/>
    /// (each at most 16383, the format's 14 bits).
    /// </summary>
    public static byte[] Webp(ushort width, ushort height)
    {
        var webp = Encode(SKEncodedImageFormat.Webp, 16, 8, quality: 90);   // below 100 Skia writes lossy VP8
        Assert.Equal("VP8 ", Encoding.ASCII.GetString(webp, 12, 4));   // the simple lossy layout, no VP8X canvas
        var start = IndexOf(webp, [0x9D, 0x01, 0x2A]);   // the key frame's start code; width and height follow
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(start + 3), width);
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(start + 5), height);
        return webp;
    }

    /// <summary>A 24-bit BMP (BITMAPINFOHEADER) claiming <paramref name="width"/>×<paramref name="height"/> but holding 64 pixel bytes.</summary>
    public static byte[] Bmp(int width, int height)
    {
        var bmp = new byte[54 + 64];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);   // offset of the pixels
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);   // BITMAPINFOHEADER
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);    // planes
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);   // bits per pixel
        return bmp;
    }

    /// <summary>
    /// <paramref name="jpeg"/> with an APP1 EXIF segment right after SOI whose only tag is Orientation (0x0112) =
    /// <paramref name="orientation"/> (1–8), in a big-endian TIFF structure.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,   // big-endian TIFF header, first IFD at offset 8
            0, 1,                                      // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1,              // tag Orientation, type SHORT, count 1
            (byte)(orientation >> 8), (byte)orientation, 0, 0,
            0, 0, 0, 0,                                // no next IFD
        ];
        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>A <paramref name="width"/>×<paramref name="height"/> gray image, drawn on by <paramref name="draw"/>, encoded as <paramref name="format"/>.</summary>
    public static byte[] Encode(SKEncodedImageFormat format, int width, int height, Action<SKCanvas>? draw = null, int quality = 100)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(128, 128, 128));
            draw?.Invoke(canvas);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        png.Write(word);
    }

    // The CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320), bit by bit: test files are tiny.
    static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException($"marker {Convert.ToHexString(needle)} not found");
    }
}
