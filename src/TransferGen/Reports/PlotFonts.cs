using SkiaSharp;
using TransferGen.Imaging;

namespace TransferGen.Reports;

/// <summary>
/// Makes ScottPlot draw text on machines without fontconfig. We ship SkiaSharp's NoDependencies native build, which
/// cannot look fonts up by family name, so ScottPlot's default lookup returns an empty typeface and every label
/// silently vanishes. Registering a resolver that loads DejaVu Sans from its file, whatever name is asked for, fixes
/// that; when no DejaVu file exists ScottPlot keeps its own lookup (plots still render, perhaps without text).
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
