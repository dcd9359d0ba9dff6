using SkiaSharp;
using TransferGen.Imaging;

namespace TransferGen.Reports;

/// <summary>
/// Gives ScottPlot a known font. Left to itself, ScottPlot looks fonts up by family name through Skia; on our Linux
/// machines that lookup does not find its sans-serif default and falls back to whatever face Skia picks (a serif
/// one, checked by eye), and on a machine with no usable fonts the labels could be missing altogether. A resolver that
/// loads DejaVu Sans from its file, whatever name is asked for, makes plots match the Skia-drawn images (see
/// LabelFont) on every machine that has the file; without it ScottPlot keeps its own lookup.
/// </summary>
internal static class PlotFonts
{
    /// <summary>The family name plots should use.</summary>
    public const string Family = "DejaVu Sans";

    static readonly Lazy<bool> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Registers the resolver once per process; cheap after the first call.</summary>
    public static void EnsureInstalled() => _ = Installed.Value;

    /// <summary>Points every text style of <paramref name="plot"/> at <see cref="Family"/>.</summary>
    public static void Apply(ScottPlot.Plot plot)
    {
        EnsureInstalled();
        plot.Font.Set(Family);
    }

    static bool Install()
    {
        if (LabelFont.FilePath is null) return false;
        ScottPlot.Fonts.FontResolvers.Insert(0, new DejaVuResolver(LabelFont.FilePath, LabelFont.BoldFilePath));
        ScottPlot.Fonts.Default = Family;
        return true;
    }

    /// <summary>Answers every request with DejaVu Sans (bold when asked and available), so no name can miss.</summary>
    sealed class DejaVuResolver(string regularPath, string? boldPath) : ScottPlot.IFontResolver
    {
        readonly Lazy<SKTypeface?> regular = new(() => SKTypeface.FromFile(regularPath));
        readonly Lazy<SKTypeface?> bold = new(() => boldPath is null ? null : SKTypeface.FromFile(boldPath));

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            (bold ? this.bold.Value : null) ?? regular.Value;

        public SKTypeface? CreateTypeface(string fontName, ScottPlot.FontWeight weight, ScottPlot.FontSlant slant, ScottPlot.FontSpacing spacing) =>
            CreateTypeface(fontName, weight >= ScottPlot.FontWeight.SemiBold, slant != ScottPlot.FontSlant.Upright);
    }
}
