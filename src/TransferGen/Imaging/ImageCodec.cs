using System.Runtime.InteropServices;
using SkiaSharp;
using TransferGen.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Imaging;

/// <summary>What an image file's header says, read without decoding its pixels.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Grayscale">True when the file stores one gray channel without alpha.</param>
public readonly record struct ImageHeader(int Width, int Height, bool Grayscale);

/// <summary>
/// Decodes image files (PNG, JPEG, BMP, WebP, GIF: whatever SkiaSharp reads) into uint8 tensors [C, H, W] and
/// encodes tensors as PNG. This is the only place TransferGen touches SkiaSharp, so the rest of the code deals in
/// tensors alone. Every method is thread-safe: each call uses its own codec.
/// </summary>
/// <remarks>
/// Colour images decode to 3 channels (RGB). Alpha is dropped by compositing on black: Skia decodes to premultiplied
/// RGBA, whose RGB already is the image over black, so transparent pixels become black. Gray images decode to
/// 1 channel when asked for 1, and are repeated to 3 channels when asked for 3.
/// </remarks>
public static class ImageCodec
{
    /// <summary>
    /// Reads only the header of <paramref name="path"/>; false when the file is not an image Skia can open
    /// (garbage, an unsupported format, a header cut short). Cheap: no pixel is decoded.
    /// </summary>
    public static bool TryReadHeader(string path, out ImageHeader header)
    {
        header = default;
        try
        {
            using var codec = SKCodec.Create(path, out var result);
            if (codec is null || result != SKCodecResult.Success) return false;
            var info = codec.Info;
            if (info.Width <= 0 || info.Height <= 0) return false;
            header = new ImageHeader(info.Width, info.Height, info.ColorType == SKColorType.Gray8);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Decodes the image file at <paramref name="path"/> into a new uint8 tensor [C, H, W].
    /// <paramref name="channels"/> is 1 (gray) or 3 (RGB); null picks 1 for gray files and 3 otherwise.
    /// Throws <see cref="InputException"/> naming the file when it is missing, not an image, or cut short.
    /// </summary>
    public static Tensor Decode(string path, int? channels = null)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such image file.");
        SKCodec? codec;
        SKCodecResult result;
        try
        {
            codec = SKCodec.Create(path, out result);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read the image file ({e.Message}).", e);
        }
        using (codec)
            return DecodeWith(codec, result, path, channels);
    }

    /// <summary>
    /// Decodes an encoded image held in memory into a new uint8 tensor [C, H, W]; <paramref name="name"/> names it
    /// in error messages. See <see cref="Decode(string, int?)"/> for <paramref name="channels"/>.
    /// </summary>
    public static Tensor Decode(byte[] encoded, string name, int? channels = null)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        return DecodeWith(codec, codec is null ? SKCodecResult.Unimplemented : SKCodecResult.Success, name, channels);
    }

    static Tensor DecodeWith(SKCodec? codec, SKCodecResult openResult, string name, int? channels)
    {
        if (channels is not (null or 1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 or 3");
        if (codec is null || openResult != SKCodecResult.Success)
            throw new InputException($"{name}: not a readable image ({openResult}).");

        var source = codec.Info;
        var sourceGray = source.ColorType == SKColorType.Gray8;
        var wanted = channels ?? (sourceGray ? 1 : 3);
        // Gray8 output is only asked of gray sources: Skia does not convert colour to gray while decoding.
        var gray = wanted == 1 && sourceGray;
        var info = new SKImageInfo(source.Width, source.Height,
            gray ? SKColorType.Gray8 : SKColorType.Rgba8888, gray ? SKAlphaType.Opaque : SKAlphaType.Premul);
        var pixels = new byte[info.BytesSize];
        SKCodecResult result;
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
        // IncompleteInput means the file was cut short: Skia fills the missing rows, but we refuse a half image.
        if (result != SKCodecResult.Success)
            throw new InputException($"{name}: the image could not be decoded ({result}); the file may be truncated or corrupt.");

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
        return chw.contiguous().MoveToOuterDisposeScope();
    }

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
