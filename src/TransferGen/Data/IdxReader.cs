using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace TransferGen.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST: an images file (magic 0x00000803, then N, H, W as big-endian
/// int32, then N·H·W pixel bytes) and a labels file (magic 0x00000801, then N, then N label bytes). Files may be
/// raw or gzip-compressed; gzip is recognised by its magic bytes (1f 8b), whatever the file is called.
/// </summary>
internal static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    // Above this an image array would not fit one .NET array; no real IDX file comes close.
    static readonly long MaxPixels = Array.MaxLength;

    /// <summary>
    /// Reads an images file and its labels file into a split of uint8 images [N, 1, H, W].
    /// When <paramref name="classCount"/> is given, every label must be below it.
    /// Throws <see cref="InputException"/> naming the file for a missing, corrupt or mismatched file.
    /// </summary>
    public static TensorSplit Load(string imagesPath, string labelsPath, string splitName, int? classCount = null)
    {
        using var images = OpenFile(imagesPath);
        using var labels = OpenFile(labelsPath);
        return Load(images, imagesPath, labels, labelsPath, splitName, classCount);
    }

    /// <summary>
    /// Reads an images stream and a labels stream (raw or gzip) into a split of uint8 images [N, 1, H, W];
    /// <paramref name="imagesName"/> and <paramref name="labelsName"/> name them in error messages.
    /// </summary>
    public static TensorSplit Load(Stream images, string imagesName, Stream labels, string labelsName, string splitName,
        int? classCount = null)
    {
        var pixels = ReadImages(images, imagesName);
        try
        {
            var labelValues = ReadLabels(labels, labelsName, classCount);
            if (labelValues.Length != pixels.shape[0])
                throw new InputException($"{imagesName} holds {pixels.shape[0]} images but {labelsName} holds {labelValues.Length} labels; "
                    + "the two files must describe the same images.");
            return new TensorSplit(splitName, pixels, labelValues);
        }
        catch
        {
            pixels.Dispose();
            throw;
        }
    }

    /// <summary>Reads an IDX images stream (raw or gzip) into a new uint8 tensor [N, 1, H, W].</summary>
    public static Tensor ReadImages(Stream stream, string name)
    {
        using var input = Decompress(stream, name);
        var header = new byte[16];
        ReadHeader(input, header, name, ImagesMagic, "images");
        var count = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        var height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8));
        var width = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(12));
        if (count < 0 || height <= 0 || width <= 0 || (long)count * height * width > MaxPixels)
            throw new InputException($"{name}: the header gives an impossible size of {count} images of {height}×{width}.");

        var expected = (long)count * height * width;
        var pixels = ReadBody(input, expected, name);
        if (pixels.Length < expected)
            throw new InputException($"{name} is truncated: its header promises {count} images of {height}×{width} "
                + $"({expected} pixel bytes) but the file holds only {pixels.Length}.");
        return tensor(pixels, [count, 1L, height, width]);
    }

    /// <summary>
    /// Reads an IDX labels stream (raw or gzip). When <paramref name="classCount"/> is given, a label at or above it
    /// is an <see cref="InputException"/>.
    /// </summary>
    public static int[] ReadLabels(Stream stream, string name, int? classCount = null)
    {
        using var input = Decompress(stream, name);
        var header = new byte[8];
        ReadHeader(input, header, name, LabelsMagic, "labels");
        var count = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        if (count < 0)
            throw new InputException($"{name}: the header gives an impossible count of {count} labels.");

        var bytes = ReadBody(input, count, name);
        if (bytes.Length < count)
            throw new InputException($"{name} is truncated: its header promises {count} labels but the file holds only {bytes.Length}.");

        var labels = Array.ConvertAll(bytes, b => (int)b);
        if (classCount is { } classes)
        {
            var bad = Array.FindIndex(labels, l => l >= classes);
            if (bad >= 0)
                throw new InputException($"{name}: label {labels[bad]} of image {bad} is out of range (there are {classes} classes).");
        }
        return labels;
    }

    /// <summary>Opens a file for reading, turning a missing file into an <see cref="InputException"/>.</summary>
    internal static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"{path}: no such file.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot open the file ({e.Message}).", e);
        }
    }

    // Wraps the stream in a gzip decoder when it starts with the gzip magic bytes. The returned stream owns nothing
    // the caller passed in, so disposing it leaves the caller's stream open.
    static Stream Decompress(Stream stream, string name)
    {
        if (!stream.CanSeek)
        {
            // Peeking needs a rewind; a forward-only stream is copied once, which is fine at IDX sizes.
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        var start = stream.Position;
        Span<byte> magic = stackalloc byte[2];
        var n = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        stream.Position = start;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b
            ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true)
            : new NonClosingStream(stream);
    }

    static void ReadHeader(Stream input, byte[] header, string name, int expectedMagic, string kind)
    {
        var got = Fill(input, header, name);
        if (got < 4)
            throw new InputException($"{name} is too short to be an IDX {kind} file ({got} bytes).");
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expectedMagic)
            throw new InputException($"{name}: wrong magic number 0x{magic:x8}, expected 0x{expectedMagic:x8} for an IDX {kind} file.");
        if (got < header.Length)
            throw new InputException($"{name} is truncated inside its {header.Length}-byte header.");
    }

    // Reads the body: up to count bytes, fewer when the stream ends first. The buffer grows with the data read, so a
    // header that promises gigabytes costs only what the file holds (a gzip stream's length is not known up front).
    static byte[] ReadBody(Stream input, long count, string name)
    {
        var limit = (int)Math.Min(count, Array.MaxLength);
        var buffer = new byte[Math.Min(limit, 1 << 20)];
        var filled = 0;
        while (true)
        {
            filled += Fill(input, buffer.AsSpan(filled), name);
            if (filled < buffer.Length || buffer.Length == limit) break;
            Array.Resize(ref buffer, (int)Math.Min(limit, 2L * buffer.Length));
        }
        if (filled < buffer.Length) Array.Resize(ref buffer, filled);
        return buffer;
    }

    // Reads until the buffer is full or the stream ends; returns the bytes read. Corrupt gzip data becomes an
    // InputException naming the file.
    static int Fill(Stream input, Span<byte> buffer, string name)
    {
        try
        {
            return input.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{name}: the gzip data is corrupt ({e.Message}).", e);
        }
    }

    // Lets Decompress hand back a disposable stream in both cases without closing the caller's stream.
    sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
