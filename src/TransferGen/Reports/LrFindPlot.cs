using System.Globalization;

namespace TransferGen.Reports;

/// <summary>
/// The plot of a learning-rate range test: smoothed and per-batch loss against the learning rate on a log axis,
/// with vertical lines at the suggested rate and at the minimum-loss rate / 10.
/// </summary>
public static class LrFindPlot
{
    /// <summary>Renders the curve and writes the PNG to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="lrs">Learning rate of each step.</param>
    /// <param name="losses">Per-batch loss of each step.</param>
    /// <param name="smoothed">Smoothed loss of each step.</param>
    /// <param name="suggested">The suggested rate, marked with a vertical line.</param>
    /// <param name="minLossLr">The minimum-loss rate / 10, marked when it lies within the tested rates.</param>
    /// <param name="title">Title above the plot.</param>
    public static void SavePng(string path, IReadOnlyList<double> lrs, IReadOnlyList<double> losses, IReadOnlyList<double> smoothed,
        double suggested, double minLossLr, string title)
    {
        var finite = smoothed.Where(double.IsFinite).ToList();
        var (low, high) = finite.Count == 0 ? (0.0, 1.0) : (finite.Min(), finite.Max());
        // The last batches before a stop can lie far above the smoothed curve and would squash it flat: per-batch
        // losses are drawn only within the smoothed curve's range (plus a margin).
        var ceiling = high + 0.25 * (high - low);
        var raw = Enumerable.Range(0, Math.Min(lrs.Count, losses.Count)).Where(i => losses[i] <= ceiling).ToList();
        // The markers span every loss drawn.
        if (raw.Count > 0) (low, high) = (Math.Min(low, raw.Min(i => losses[i])), Math.Max(high, raw.Max(i => losses[i])));
        var series = new List<PlotSeries>
        {
            new("smoothed loss", lrs, smoothed),
            new("loss per batch", raw.Select(i => lrs[i]).ToList(), raw.Select(i => losses[i]).ToList()),
            new($"suggested {Rate(suggested)}", [suggested, suggested], [low, high]),
        };
        if (lrs.Count > 0 && minLossLr >= lrs[0] && minLossLr <= lrs[^1])
            series.Add(new($"min-loss lr / 10 = {Rate(minLossLr)}", [minLossLr, minLossLr], [low, high]));
        LinePlot.SavePng(path, series, new LinePlotOptions
        {
            Title = title,
            XLabel = "learning rate of the head (log scale)",
            YLabel = "training loss",
            LogX = true,
            Markers = false,
        });
    }

    /// <summary>A learning rate with three significant digits, as <c>--lr</c> accepts it (0.00316, 1.5E-06).</summary>
    public static string Rate(double lr) => lr.ToString("G3", CultureInfo.InvariantCulture);
}
