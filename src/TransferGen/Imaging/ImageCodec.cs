using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using SkiaSharp;
using TransferGen.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Imaging;

/// <summary>What an image file's header says, read without decoding its pixels.</summary>
/// <param name="Width">Width in pixels, as displayed (after the EXIF orientation, which may swap the sides).</param>
/// <param name="Height">Height in pixels, as displayed.</param>
/// <param name="Grayscale">True when the file stores one gray channel without alpha.</param>
public readonly record struct ImageHeader(int Width, int Height, bool Grayscale)
{
    /// <summary>Width × height, in 64 bits: a header may claim far more than an int holds.</summary>
    public long Pixels => (long)Width * Height;
}

/// <summary>The outcome of <see cref="ImageCodec.Check"/>: the header, and why the file cannot be used, if it cannot.</summary>
/// <param name="Header">The header (default when the file is not an image at all).</param>
/// <param name="Problem">Null when the file decodes whole within the pixel limit; otherwise what is wrong, as a phrase
/// ("an empty file", "truncated or corrupt (IncompleteInput)", ...).</param>
/// <param name="OverPixelLimit">True when the problem is the header's size, which a higher limit would allow.</param>
public readonly record struct ImageCheck(ImageHeader Header, string? Problem, bool OverPixelLimit)
{
    /// <summary>True when the file decodes whole.</summary>
    public bool Ok => Problem is null;
}

/// <summary>
/// Decodes image files (PNG, JPEG, BMP, WebP, GIF: whatever SkiaSharp reads) into uint8 tensors [C, H, W] and
/// encodes tensors as PNG. This is the only place TransferGen touches SkiaSharp, so the rest of the code deals in
/// tensors alone. Every method is thread-safe: each call uses its own codec.
/// </summary>
/// <remarks>
/// <para>Colour images decode to 3 channels (RGB). Alpha is dropped by compositing on black: Skia decodes to premultiplied
/// RGBA, whose RGB already is the image over black, so transparent pixels become black. Gray images decode to
/// 1 channel when asked for 1, and are repeated to 3 channels when asked for 3.</para>
/// <para>An EXIF orientation tag (JPEG, WebP, ...) is applied, as cameras and viewers mean it: the pixels are turned
/// and mirrored so that the image stands as it is displayed, and <see cref="ImageHeader"/> gives the displayed size.</para>
/// <para>A file whose header claims more than a pixel limit (<see cref="DefaultMaxPixels"/> unless the caller gives
/// another) is refused before any buffer is sized: a few hundred bytes can claim 60000 × 60000 pixels.</para>
/// </remarks>
public static class ImageCodec
{
    /// <summary>The default pixel limit: 100 megapixels (a 10000 × 10000 image, 400 MB while decoding).</summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>
    /// The highest pixel limit a caller may set: 500 megapixels, whose RGBA decode buffer (2 GB) still fits one .NET array.
    /// </summary>
    public const long MaxPixelsCeiling = 500_000_000;

    // Decode checks of images above this size run one at a time, so parallel checks never hold many large buffers.
    const long LargeImagePixels = 16_000_000;
    static readonly object LargeImageGate = new();

    /// <summary>
    /// Reads only the header of <paramref name="path"/>; false when the file is not an image Skia can open
    /// (garbage, an unsupported format, a header cut short). Cheap: no pixel is decoded.
    /// </summary>
    public static bool TryReadHeader(string path, out ImageHeader header)
    {
        var (codec, _) = Open(path);
        using (codec)
        {
            header = codec is null ? default : HeaderOf(codec);
            return codec is not null;
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> is an image that <see cref="Decode(string, int?, long)"/> will read: its header
    /// opens, claims at most <paramref name="maxPixels"/> pixels, and every pixel decodes (a file cut short after a
    /// whole header fails here). The pixels are decoded into a scratch buffer and dropped; nothing throws for a bad file.
    /// </summary>
    public static ImageCheck Check(string path, long maxPixels = DefaultMaxPixels)
    {
        var (codec, problem) = Open(path);
        using (codec)
        {
            if (codec is null) return new ImageCheck(default, problem, false);
            var header = HeaderOf(codec);
            if (header.Pixels > maxPixels) return new ImageCheck(header, OverLimit(header, maxPixels), true);
            var info = TargetInfo(codec.Info, codec.Info.ColorType == SKColorType.Gray8 ? 1 : 3);
            var buffer = ArrayPool<byte>.Shared.Rent((int)info.BytesSize64);
            try
            {
                SKCodecResult result;
                if (header.Pixels > LargeImagePixels)
                    lock (LargeImageGate) result = DecodeInto(codec, info, buffer);
                else
                    result = DecodeInto(codec, info, buffer);
                return new ImageCheck(header, result == SKCodecResult.Success ? null : Undecodable(result), false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Decodes the image file at <paramref name="path"/> into a new uint8 tensor [C, H, W], with its EXIF orientation applied.
    /// <paramref name="channels"/> is 1 (gray) or 3 (RGB); null picks 1 for gray files and 3 otherwise.
    /// Throws <see cref="InputException"/> naming the file when it is missing, a folder, not an image, or cut short, and
    /// <see cref="InvalidOptionException"/> (about MaxImagePixels) when its header claims more than
    /// <paramref name="maxPixels"/> pixels.
    /// </summary>
    public static Tensor Decode(string path, int? channels = null, long maxPixels = DefaultMaxPixels)
    {
        if (Directory.Exists(path)) throw new InputException($"{path} is a folder, not an image file; name the image files in it.");
        if (!File.Exists(path)) throw new InputException($"{path}: no such image file.");
        var (codec, problem) = Open(path);
        using (codec)
        {
            if (codec is null) throw new InputException($"{path}: {problem}.");
            return DecodeWith(codec, path, channels, maxPixels);
        }
    }

    /// <summary>
    /// Decodes an encoded image held in memory into a new uint8 tensor [C, H, W]; <paramref name="name"/> names it
    /// in error messages. See <see cref="Decode(string, int?, long)"/> for <paramref name="channels"/> and
    /// <paramref name="maxPixels"/>.
    /// </summary>
    public static Tensor Decode(byte[] encoded, string name, int? channels = null, long maxPixels = DefaultMaxPixels)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new InputException($"{name}: {(encoded.Length == 0 ? "an empty file" : "not an image Skia can read")}.");
        return DecodeWith(codec, name, channels, maxPixels);
    }

    // Opens the file's codec; on failure a null codec and the phrase that says why.
    static (SKCodec? Codec, string? Problem) Open(string path)
    {
        try
        {
            var codec = SKCodec.Create(path, out var result);
            if (codec is not null && result == SKCodecResult.Success && codec.Info.Width > 0 && codec.Info.Height > 0)
                return (codec, null);
            codec?.Dispose();
            return (null, new FileInfo(path) is { Exists: true, Length: 0 } ? "an empty file"
                : File.Exists(path) ? $"not an image Skia can read ({result})"
                : "no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot be read ({e.Message})");
        }
    }

    static ImageHeader HeaderOf(SKCodec codec)
    {
        var info = codec.Info;
        var gray = info.ColorType == SKColorType.Gray8;
        return SwapsSides(codec.EncodedOrigin)
            ? new ImageHeader(info.Height, info.Width, gray)
            : new ImageHeader(info.Width, info.Height, gray);
    }

    static string OverLimit(ImageHeader header, long maxPixels) =>
        string.Create(CultureInfo.InvariantCulture, $"{header.Width} × {header.Height} pixels, over the limit of {maxPixels} pixels");

    static string Undecodable(SKCodecResult result) => $"truncated or corrupt (the pixels do not decode: {result})";

    // Gray8 output is only asked of gray sources: Skia does not convert colour to gray while decoding.
    static SKImageInfo TargetInfo(SKImageInfo source, int wanted)
    {
        var gray = wanted == 1 && source.ColorType == SKColorType.Gray8;
        return new SKImageInfo(source.Width, source.Height,
            gray ? SKColorType.Gray8 : SKColorType.Rgba8888, gray ? SKAlphaType.Opaque : SKAlphaType.Premul);
    }

    static SKCodecResult DecodeInto(SKCodec codec, SKImageInfo info, byte[] pixels)
    {
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            return codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
    }

    static Tensor DecodeWith(SKCodec codec, string name, int? channels, long maxPixels)
    {
        if (channels is not (null or 1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 or 3");
        var header = HeaderOf(codec);
        if (header.Pixels > maxPixels)
            throw new InvalidOptionException(Escape($"{name}: {OverLimit(header, maxPixels)}") + "; raise {0} to read it.", "MaxImagePixels");

        var source = codec.Info;
        var sourceGray = source.ColorType == SKColorType.Gray8;
        var wanted = channels ?? (sourceGray ? 1 : 3);
        var info = TargetInfo(source, wanted);
        var gray = info.ColorType == SKColorType.Gray8;
        var pixels = new byte[info.BytesSize64];
        var result = DecodeInto(codec, info, pixels);
        // IncompleteInput means the file was cut short: Skia fills the missing rows, but we refuse a half image.
        if (result != SKCodecResult.Success)
            throw new InputException($"{name}: {Undecodable(result)}.");

        using var scope = NewDisposeScope();
        Tensor chw;
        if (gray)
        {
            chw = torch.tensor(pixels, [1L, info.Height, info.Width]);
        }
        else
        {
            var hwc = torch.tensor(pixels, [(long)info.Height, info.Width, 4]);
            chw = hwc.narrow(2, 0, 3).permute(2, 0, 1);
            // A colour source asked for one channel: ITU-R BT.601 luma, the usual weights for 8-bit images.
            if (wanted == 1)
                chw = (chw.to_type(ScalarType.Float32) * torch.tensor(new[] { 0.299f, 0.587f, 0.114f }).view(3, 1, 1))
                    .sum(0, keepdim: true).round_().clamp_(0, 255).to_type(ScalarType.Byte);
        }
        return Orient(chw, codec.EncodedOrigin).contiguous().MoveToOuterDisposeScope();
    }

    static bool SwapsSides(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    // Turns stored pixels [C, H, W] into displayed ones. Names say where the stored first row and column are shown:
    // RightTop (6), a camera held upright, needs a quarter turn clockwise: transpose, then mirror left-right.
    static Tensor Orient(Tensor chw, SKEncodedOrigin origin) => origin switch
    {
        SKEncodedOrigin.TopRight => chw.flip(2),
        SKEncodedOrigin.BottomRight => chw.flip(1, 2),
        SKEncodedOrigin.BottomLeft => chw.flip(1),
        SKEncodedOrigin.LeftTop => chw.permute(0, 2, 1),
        SKEncodedOrigin.RightTop => chw.permute(0, 2, 1).flip(2),
        SKEncodedOrigin.RightBottom => chw.permute(0, 2, 1).flip(1, 2),
        SKEncodedOrigin.LeftBottom => chw.permute(0, 2, 1).flip(1),
        _ => chw,
    };

    // A file name inside an InvalidOptionException template must not be read as a placeholder.
    static string Escape(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    /// <summary>
    /// Encodes an image tensor [C, H, W] (C = 1, 3 or 4) as PNG. uint8 tensors are taken as 0..255; floating-point
    /// tensors as 0..1 and clamped.
    /// </summary>
    public static byte[] EncodePng(Tensor image)
    {
        using var skImage = ToSkImage(image);
        using var png = skImage.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("Skia could not encode the PNG");
        return png.ToArray();
    }

    /// <summary>Wraps a copy of an image tensor (see <see cref="EncodePng"/>) as a Skia image, for drawing.</summary>
    internal static SKImage ToSkImage(Tensor image)
    {
        if (image.dim() != 3 || image.shape[0] is not (1 or 3 or 4))
            throw new ArgumentException($"expected an image tensor [C, H, W] with C = 1, 3 or 4, got [{string.Join(", ", image.shape)}]", nameof(image));
        var c = (int)image.shape[0];
        var h = (int)image.shape[1];
        var w = (int)image.shape[2];

        byte[] hwc;
        using (NewDisposeScope())
        {
            var bytes = image.dtype == ScalarType.Byte
                ? image
                : image.is_floating_point()
                    ? (image.to_type(ScalarType.Float32) * 255f).round_().clamp_(0, 255).to_type(ScalarType.Byte)
                    : throw new ArgumentException($"expected a uint8 or floating-point tensor, got {image.dtype}", nameof(image));
            bytes = bytes.cpu();
            // Skia has no 3-byte pixel format, so RGB gets an opaque alpha channel.
            if (c == 3) bytes = torch.cat([bytes, torch.full([1, h, w], 255, ScalarType.Byte)], 0);
            hwc = bytes.permute(1, 2, 0).contiguous().bytes.ToArray();
        }

        var info = new SKImageInfo(w, h,
            c == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, c == 4 ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        return SKImage.FromPixelCopy(info, hwc) ?? throw new InvalidOperationException("Skia could not wrap the pixels");
    }

    /// <summary>
    /// Writes <paramref name="image"/> (see <see cref="EncodePng"/>) as a PNG file. The file appears whole or not at
    /// all: the bytes go to a temporary file in the same folder, which is then renamed over <paramref name="path"/>.
    /// </summary>
    public static void SavePng(Tensor image, string path) => AtomicFile.WriteAllBytes(path, EncodePng(image));
}
