using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace TransferGen.Tests.Data;

/// <summary>A fresh temporary folder per test, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "transfergen-tests-" + Guid.NewGuid().ToString("N"));

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    /// <summary>Creates the subfolder (and parents) and returns its path.</summary>
    public string Folder(string relative) => Directory.CreateDirectory(this[relative]).FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Writers for tiny dataset files in the formats the readers take.</summary>
public static class TestFiles
{
    /// <summary>IDX bytes: big-endian magic, dimensions, then the body.</summary>
    public static byte[] Idx(int magic, int[] dims, byte[] body)
    {
        var bytes = new byte[4 + 4 * dims.Length + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        body.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest)) gzip.Write(bytes);
        return memory.ToArray();
    }

    /// <summary>Pixels whose value depends on image, row and column, so any mix-up shows.</summary>
    public static byte[] Pattern(int count, int size, int salt = 0) =>
        Enumerable.Range(0, count * size).Select(i => (byte)((i * 7 + salt) % 251)).ToArray();

    /// <summary>Writes an IDX images + labels pair named PREFIX-images-idx3-ubyte[.gz] / PREFIX-labels-idx1-ubyte[.gz].</summary>
    public static (string Images, string Labels) WriteIdxPair(string folder, string prefix, byte[] pixels, int count, int h, int w,
        byte[] labels, bool gzip)
    {
        var ext = gzip ? ".gz" : "";
        var images = Path.Combine(folder, $"{prefix}-images-idx3-ubyte{ext}");
        var labelFile = Path.Combine(folder, $"{prefix}-labels-idx1-ubyte{ext}");
        var imageBytes = Idx(0x803, [count, h, w], pixels);
        var labelBytes = Idx(0x801, [labels.Length], labels);
        File.WriteAllBytes(images, gzip ? Gzip(imageBytes) : imageBytes);
        File.WriteAllBytes(labelFile, gzip ? Gzip(labelBytes) : labelBytes);
        return (images, labelFile);
    }

    /// <summary>CIFAR records: label byte(s) then 3072 pattern pixels each.</summary>
    public static byte[] CifarRecords(byte[][] labels, int salt = 0)
    {
        var record = labels[0].Length + 3072;
        var bytes = new byte[labels.Length * record];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i].CopyTo(bytes, i * record);
            Pattern(1, 3072, salt + i).CopyTo(bytes, i * record + labels[i].Length);
        }
        return bytes;
    }

    /// <summary>Writes a w×h image whose pixel (x, y) is (x·20+seed, y·20, 100) in the given format.</summary>
    public static void WriteImage(string path, int w, int h, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int seed = 0)
    {
        using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 20 + seed), (byte)(y * 20), 100));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, data.ToArray());
    }
}
