using System.Buffers.Binary;

namespace TransferGen.Reports;

/// <summary>
/// A PNG image for an <see cref="ImageSection"/>, embedded in the report as a data URI (so the report needs no other
/// file), with the text that stands for it and an optional caption under it.
/// </summary>
public sealed class ReportImage
{
    static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The image in <paramref name="png"/> (which must be PNG: it is checked here, so a report never carries an image a
    /// browser cannot show), described by <paramref name="alt"/>.
    /// </summary>
    /// <param name="png">The PNG file's bytes.</param>
    /// <param name="alt">What the image shows, for readers who cannot see it.</param>
    /// <param name="caption">A line under the image, or null.</param>
    /// <param name="pixelated">Scale up without smoothing (small generated samples, where smoothing would blur what the model made).</param>
    public ReportImage(byte[] png, string alt, string? caption = null, bool pixelated = false)
    {
        ArgumentNullException.ThrowIfNull(png);
        ArgumentNullException.ThrowIfNull(alt);
        (Width, Height) = PngSize(png) ?? throw new ArgumentException("the image is not a PNG file", nameof(png));
        Png = png;
        Alt = alt;
        Caption = caption;
        Pixelated = pixelated;
    }

    /// <summary>The PNG bytes.</summary>
    public byte[] Png { get; }

    /// <summary>The alternative text.</summary>
    public string Alt { get; }

    /// <summary>The caption, or null.</summary>
    public string? Caption { get; }

    /// <summary>Whether the image is scaled without smoothing.</summary>
    public bool Pixelated { get; }

    /// <summary>Width in pixels, from the PNG header.</summary>
    public int Width { get; }

    /// <summary>Height in pixels, from the PNG header.</summary>
    public int Height { get; }

    /// <summary>The image as a data URI ("data:image/png;base64,...").</summary>
    public string DataUri => "data:image/png;base64," + Convert.ToBase64String(Png);

    /// <summary>The width and height in a PNG's header (its first chunk, IHDR); null when the bytes are no PNG.</summary>
    public static (int Width, int Height)? PngSize(ReadOnlySpan<byte> png)
    {
        // Signature (8), chunk length (4), "IHDR" (4), width (4), height (4).
        if (png.Length < 24 || !png[..8].SequenceEqual(Signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8)) return null;
        var width = BinaryPrimitives.ReadInt32BigEndian(png.Slice(16, 4));
        var height = BinaryPrimitives.ReadInt32BigEndian(png.Slice(20, 4));
        return width > 0 && height > 0 ? (width, height) : null;
    }
}
