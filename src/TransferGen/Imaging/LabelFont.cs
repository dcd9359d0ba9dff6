using SkiaSharp;

namespace TransferGen.Imaging;

/// <summary>
/// The typeface used for labels in PNGs we draw. Prefers DejaVu Sans (present on Debian/Ubuntu through
/// fonts-dejavu-core), falling back to Skia's default, which may draw nothing on a machine without fonts:
/// the images are still written, only without readable labels.
/// </summary>
internal static class LabelFont
{
    static readonly Lazy<SKTypeface> Shared = new(Load);

    static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    ];

    /// <summary>The typeface, loaded once.</summary>
    public static SKTypeface Typeface => Shared.Value;

    /// <summary>The DejaVu Sans file found on this machine, or null (for libraries, such as ScottPlot, that load fonts by path).</summary>
    public static string? FilePath { get; } = Candidates.FirstOrDefault(File.Exists);

    /// <summary>The bold face next to <see cref="FilePath"/>, or null when there is none.</summary>
    public static string? BoldFilePath { get; } =
        FilePath is null ? null : Path.Combine(Path.GetDirectoryName(FilePath)!, "DejaVuSans-Bold.ttf") is var bold && File.Exists(bold) ? bold : null;

    static SKTypeface Load()
    {
        foreach (var path in Candidates)
            if (File.Exists(path) && SKTypeface.FromFile(path) is { } face)
                return face;
        return SKTypeface.Default;
    }
}
