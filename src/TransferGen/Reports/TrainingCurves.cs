using ScottPlot;
using SkiaSharp;
using TransferGen.IO;

namespace TransferGen.Reports;

/// <summary>
/// Draws a run's per-epoch history as side-by-side panels against epoch: losses (every key containing "loss", e.g.
/// train_loss, val_loss, d_loss, g_loss), accuracies (keys containing "acc" or "f1"), and GAN sample quality (keys
/// containing "fid", and separately "kid", whose scales differ). Panels without keys are left out; other keys
/// (learning rate, timings) are ignored. A key missing from some epochs (validation every few epochs) is drawn
/// through the epochs that have it.
/// </summary>
public static class TrainingCurves
{
    sealed record Panel(string Title, string YLabel, Func<string, bool> Takes, bool Fraction = false);

    static readonly Panel[] Panels =
    [
        new("Loss", "loss", key => key.Contains("loss", StringComparison.OrdinalIgnoreCase)),
        new("Accuracy", "accuracy", key => key.Contains("acc", StringComparison.OrdinalIgnoreCase) || key.Contains("f1", StringComparison.OrdinalIgnoreCase), Fraction: true),
        new("FID (lower is better)", "FID", key => key.Contains("fid", StringComparison.OrdinalIgnoreCase)),
        new("KID (lower is better)", "KID", key => key.Contains("kid", StringComparison.OrdinalIgnoreCase)),
    ];

    /// <summary>Renders the history and returns PNG bytes: <paramref name="panelWidth"/> pixels per panel, side by side.</summary>
    /// <param name="history">One dictionary per finished epoch, in order (as <c>TrainingContext.History</c>).</param>
    /// <param name="panelWidth">Width of each panel in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static byte[] RenderPng(IReadOnlyList<IReadOnlyDictionary<string, double>> history, int panelWidth = 600, int height = 450)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (panelWidth < 100 || height < 100) throw new ArgumentOutOfRangeException(nameof(panelWidth), "panels need at least 100 x 100 pixels");
        var plots = BuildPlots(history);
        try
        {
            return Compose(plots, panelWidth, height);
        }
        finally
        {
            foreach (var plot in plots) plot.Dispose();
        }
    }

    static byte[] Compose(List<Plot> plots, int panelWidth, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(panelWidth * plots.Count, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Skia could not create a drawing surface");
        surface.Canvas.Clear(SKColors.White);
        for (var i = 0; i < plots.Count; i++)
        {
            // ScottPlot clears the canvas before drawing; the clip keeps it from wiping the panels drawn earlier.
            surface.Canvas.Save();
            surface.Canvas.ClipRect(SKRect.Create(i * panelWidth, 0, panelWidth, height));
            plots[i].Render(surface.Canvas, new PixelRect(new Pixel(i * panelWidth, 0), new PixelSize(panelWidth, height)));
            surface.Canvas.Restore();
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100) ?? throw new InvalidOperationException("Skia could not encode the PNG");
        return png.ToArray();
    }

    /// <summary>Renders the history (see <see cref="RenderPng"/>) and writes the PNG to <paramref name="path"/> atomically.</summary>
    public static void SavePng(string path, IReadOnlyList<IReadOnlyDictionary<string, double>> history, int panelWidth = 600, int height = 450) =>
        AtomicFile.WriteAllBytes(path, RenderPng(history, panelWidth, height));

    /// <summary>The titles of the panels <paramref name="history"/> would get, in order (for tests and callers laying out reports).</summary>
    public static IReadOnlyList<string> PanelTitles(IReadOnlyList<IReadOnlyDictionary<string, double>> history)
    {
        var keys = Keys(history);
        var titles = Panels.Where(p => keys.Any(p.Takes)).Select(p => p.Title).ToList();
        return titles.Count == 0 ? [Panels[0].Title] : titles;
    }

    static List<Plot> BuildPlots(IReadOnlyList<IReadOnlyDictionary<string, double>> history)
    {
        var keys = Keys(history);
        var plots = new List<Plot>();
        foreach (var panel in Panels)
        {
            var taken = keys.Where(panel.Takes).ToList();
            if (taken.Count == 0) continue;
            var series = taken.Select(key => Series(history, key)).ToList();
            var plot = LinePlot.Build(series, new LinePlotOptions { Title = panel.Title, XLabel = "epoch", YLabel = panel.YLabel });
            if (panel.Fraction && series.All(s => s.Y.All(y => !double.IsFinite(y) || y is >= 0 and <= 1)))
                plot.Axes.SetLimitsY(0, 1.02); // a fixed 0..1 scale keeps epochs and runs comparable at a glance
            // Losses fall and accuracies rise, so each legend goes in the corner its curves usually leave empty.
            plot.Legend.Alignment = panel.Fraction ? Alignment.LowerRight : Alignment.UpperRight;
            // Every panel spans all epochs, so a figure logged only on some epochs (FID) lines up with the losses.
            plot.Axes.SetLimitsX(0.5, history.Count + 0.5);
            IntegerEpochTicks(plot);
            plots.Add(plot);
        }
        // An empty history (before the first epoch) still yields an image, saying there is nothing yet.
        if (plots.Count == 0)
            plots.Add(LinePlot.Build([], new LinePlotOptions { Title = Panels[0].Title, XLabel = "epoch", YLabel = Panels[0].YLabel }));
        return plots;
    }

    static List<string> Keys(IReadOnlyList<IReadOnlyDictionary<string, double>> history) =>
        history.SelectMany(epoch => epoch.Keys).Distinct().ToList();

    static PlotSeries Series(IReadOnlyList<IReadOnlyDictionary<string, double>> history, string key)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (var epoch = 0; epoch < history.Count; epoch++)
            if (history[epoch].TryGetValue(key, out var value))
            {
                xs.Add(epoch + 1);
                ys.Add(value);
            }
        return new PlotSeries(key, xs, ys);
    }

    /// <summary>Epochs are whole numbers; ScottPlot would otherwise label 1.5, 2.5 on short runs.</summary>
    static void IntegerEpochTicks(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
}
