using System.Globalization;
using ScottPlot;
using TransferGen.IO;

namespace TransferGen.Reports;

/// <summary>
/// Draws named x/y series as lines with a legend and encodes the plot as PNG: the one plotting routine behind
/// training curves, the learning-rate finder (loss vs learning rate, log x axis) and FID-vs-epoch plots.
/// </summary>
public static class LinePlot
{
    /// <summary>Renders <paramref name="series"/> and returns PNG bytes.</summary>
    public static byte[] RenderPng(IReadOnlyList<PlotSeries> series, LinePlotOptions? options = null)
    {
        options ??= new LinePlotOptions();
        if (options.Width < 100 || options.Height < 100)
            throw new ArgumentOutOfRangeException(nameof(options), "plots need at least 100 x 100 pixels");
        using var plot = Build(series, options);
        return plot.GetImageBytes(options.Width, options.Height, ImageFormat.Png);
    }

    /// <summary>Renders <paramref name="series"/> and writes the PNG to <paramref name="path"/> atomically.</summary>
    public static void SavePng(string path, IReadOnlyList<PlotSeries> series, LinePlotOptions? options = null) =>
        AtomicFile.WriteAllBytes(path, RenderPng(series, options));

    /// <summary>Builds the ScottPlot plot (shared with callers that compose several panels into one image).</summary>
    internal static Plot Build(IReadOnlyList<PlotSeries> series, LinePlotOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        PlotFonts.Apply(plot);
        if (options.Title is not null) plot.Title(options.Title);
        if (options.XLabel is not null) plot.XLabel(options.XLabel);
        if (options.YLabel is not null) plot.YLabel(options.YLabel);

        var palette = new ScottPlot.Palettes.Category10();
        var drawn = 0;
        var (allX, allY) = (new List<double>(), new List<double>());
        for (var i = 0; i < series.Count; i++)
        {
            var (xs, ys) = Points(series[i], options);
            if (xs.Length == 0) continue;
            allX.AddRange(xs);
            allY.AddRange(ys);
            var line = plot.Add.Scatter(xs, ys, palette.GetColor(i));
            line.LegendText = series[i].Label;
            line.LineWidth = 2;
            line.MarkerSize = options.Markers ? 6 : 0;
            drawn++;
        }

        // ScottPlot has no log axis: the data are plotted as log10 and the ticks relabelled with the real values.
        if (options.LogX) plot.Axes.Bottom.TickGenerator = LogTicks(allX);
        if (options.LogY) plot.Axes.Left.TickGenerator = LogTicks(allY);
        if (drawn == 0)
        {
            // Say so instead of leaving an empty frame that looks like a rendering bug.
            var note = plot.Add.Text("no data yet", 0, 0);
            note.LabelFontSize = 18;
            note.LabelAlignment = Alignment.MiddleCenter;
            plot.Axes.SetLimits(-1, 1, -1, 1);
        }
        else
        {
            // Many lines (a benchmark's methods) would hide their own ends under a legend inside the data area.
            if (series.Count > 4) plot.ShowLegend(Edge.Right);
            else if (series.Count > 1 || !string.IsNullOrEmpty(series[0].Label)) plot.ShowLegend(Alignment.UpperRight);
            plot.Axes.AutoScale();
        }
        return plot;
    }

    static (double[] X, double[] Y) Points(PlotSeries series, LinePlotOptions options)
    {
        if (series.X.Count != series.Y.Count)
            throw new ArgumentException($"series '{series.Label}' has {series.X.Count} x values but {series.Y.Count} y values", nameof(series));
        var xs = new List<double>(series.X.Count);
        var ys = new List<double>(series.Y.Count);
        for (var i = 0; i < series.X.Count; i++)
        {
            double x = series.X[i], y = series.Y[i];
            // A diverged loss (NaN, ±inf) would stretch or break the axes; the gap it leaves is honest enough.
            if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
            if ((options.LogX && x <= 0) || (options.LogY && y <= 0)) continue;
            xs.Add(options.LogX ? Math.Log10(x) : x);
            ys.Add(options.LogY ? Math.Log10(y) : y);
        }
        return (xs.ToArray(), ys.ToArray());
    }

    /// <summary>
    /// Ticks for an axis holding log10 values. Over a decade or more they fall on powers of ten; data within one
    /// decade would then get no labelled tick at all, so there ticks go wherever ScottPlot likes, labelled by value.
    /// </summary>
    static ScottPlot.TickGenerators.NumericAutomatic LogTicks(List<double> exponents)
    {
        var decades = exponents.Count == 0 ? 0 : exponents.Max() - exponents.Min();
        return new()
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = decades >= 1,
            LabelFormatter = LogLabel,
        };
    }

    /// <summary>Labels a tick at 10^exponent: plain numbers near 1 (0.001 … 1000), 1e-5 style for other decades.</summary>
    static string LogLabel(double exponent)
    {
        var e = Math.Round(exponent);
        if (Math.Abs(exponent - e) > 1e-9 || Math.Abs(e) <= 3)
            return Math.Pow(10, exponent).ToString("G3", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"1e{(int)e}");
    }
}
