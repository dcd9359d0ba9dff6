using System.Globalization;
using SkiaSharp;
using TransferGen.Imaging;
using TransferGen.IO;
using TransferGen.Metrics;

namespace TransferGen.Reports;

/// <summary>
/// Draws a confusion matrix as a PNG heatmap: rows are true classes, columns predicted classes, each cell coloured
/// by its share of the row (so a rare class's errors stand out as much as a common one's) and, up to
/// <see cref="MaxClassesWithCounts"/> classes, labelled with its count. Class names label both axes.
/// </summary>
/// <remarks>Drawn with SkiaSharp directly rather than ScottPlot, for exact control of cell text and rotated labels.</remarks>
public static class ConfusionHeatmap
{
    /// <summary>Above this many classes the cells are too small for numbers and show colour only.</summary>
    public const int MaxClassesWithCounts = 20;

    const int MaxNameLength = 24;
    const float Pad = 8;
    const float BarWidth = 14;

    // A white-to-navy ramp: light cells recede, the diagonal and big confusions stand out, and it prints in gray.
    static readonly (float At, SKColor Color)[] Ramp =
    [
        (0f, new SKColor(247, 251, 255)),
        (0.25f, new SKColor(198, 219, 239)),
        (0.5f, new SKColor(107, 174, 214)),
        (0.75f, new SKColor(33, 113, 181)),
        (1f, new SKColor(8, 48, 107)),
    ];

    /// <summary>Renders the report's confusion matrix; the default title states the accuracy.</summary>
    public static byte[] RenderPng(ClassificationReport report, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        title ??= string.Create(CultureInfo.InvariantCulture, $"Confusion matrix: accuracy {100 * report.Accuracy:0.0}% of {report.Samples} samples");
        return RenderPng(report.Confusion, report.Classes, title);
    }

    /// <summary>Renders a K x K matrix of counts (<c>counts[true][predicted]</c>) with K class names; returns PNG bytes.</summary>
    public static byte[] RenderPng(IReadOnlyList<IReadOnlyList<long>> counts, IReadOnlyList<string> classNames, string? title = "Confusion matrix")
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(classNames);
        var k = classNames.Count;
        if (k == 0) throw new ArgumentException("at least one class is needed", nameof(classNames));
        if (counts.Count != k || counts.Any(row => row.Count != k))
            throw new ArgumentException($"counts must be {k} x {k} to match the class names", nameof(counts));
        if (counts.Any(row => row.Any(c => c < 0))) throw new ArgumentException("counts cannot be negative", nameof(counts));

        var names = classNames.Select(n => n.Length <= MaxNameLength ? n : n[..(MaxNameLength - 1)] + "…").ToArray();
        var cell = Math.Clamp(640f / k, 12f, 56f);
        using var nameFont = new SKFont(LabelFont.Typeface, k > 40 ? 10 : 13);
        using var titleFont = new SKFont(LabelFont.Typeface, 16);
        using var axisFont = new SKFont(LabelFont.Typeface, 14);
        var nameWidth = names.Max(n => nameFont.MeasureText(n));
        // Column names run down-left at 45 degrees from under their column, which needs room below and to the left;
        // when columns are too narrow for slanted names not to overlap, they run straight down instead.
        var steep = cell < 2.2f * nameFont.Size;
        var angle = steep ? -90f : -45f;
        var below = steep ? nameWidth + Pad : nameWidth * 0.7071f + nameFont.Size;
        var leftward = steep ? 0 : below - cell / 2;
        var gridLeft = Math.Max(axisFont.Size + 2 * Pad + nameWidth + Pad, leftward + Pad);
        var gridTop = title is null ? Pad : titleFont.Size + 3 * Pad;
        var grid = cell * k;
        var barLeft = gridLeft + grid + 2 * Pad;
        var titleWidth = title is null ? 0 : titleFont.MeasureText(title) + 2 * Pad;
        var width = (int)Math.Ceiling(Math.Max(barLeft + BarWidth + 50, titleWidth));
        var height = (int)Math.Ceiling(gridTop + grid + Pad + below + axisFont.Size + 2 * Pad);

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Skia could not create a drawing surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = new SKColor(30, 30, 30), IsAntialias = true };
        using var fill = new SKPaint { IsAntialias = false };
        using var line = new SKPaint { Color = new SKColor(220, 220, 220), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };

        if (title is not null)
            canvas.DrawText(title, width / 2f, Pad + titleFont.Size, SKTextAlign.Center, titleFont, ink);

        DrawCells(canvas, counts, gridLeft, gridTop, cell, fill, line);
        for (var i = 0; i < k; i++)
        {
            // Row names right-aligned against the grid, centred on their row.
            canvas.DrawText(names[i], gridLeft - Pad / 2, gridTop + (i + 0.5f) * cell + nameFont.Size / 3, SKTextAlign.Right, nameFont, ink);
            canvas.Save();
            canvas.Translate(gridLeft + (i + 0.5f) * cell, gridTop + grid + Pad / 2);
            canvas.RotateDegrees(angle);
            canvas.DrawText(names[i], 0, nameFont.Size / 3, SKTextAlign.Right, nameFont, ink);
            canvas.Restore();
        }

        canvas.DrawText("predicted class", gridLeft + grid / 2, height - Pad, SKTextAlign.Center, axisFont, ink);
        canvas.Save();
        canvas.Translate(Pad + axisFont.Size, gridTop + grid / 2);
        canvas.RotateDegrees(-90);
        canvas.DrawText("true class", 0, 0, SKTextAlign.Center, axisFont, ink);
        canvas.Restore();

        DrawColourBar(canvas, barLeft, gridTop, grid, nameFont, ink, line);

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100) ?? throw new InvalidOperationException("Skia could not encode the PNG");
        return png.ToArray();
    }

    /// <summary>Renders the report's confusion matrix (see <see cref="RenderPng(ClassificationReport, string?)"/>) to <paramref name="path"/> atomically.</summary>
    public static void SavePng(string path, ClassificationReport report, string? title = null) =>
        AtomicFile.WriteAllBytes(path, RenderPng(report, title));

    static void DrawCells(SKCanvas canvas, IReadOnlyList<IReadOnlyList<long>> counts, float left, float top, float cell, SKPaint fill, SKPaint line)
    {
        var k = counts.Count;
        var withCounts = k <= MaxClassesWithCounts;
        var largest = counts.Max(row => row.Max()).ToString(CultureInfo.InvariantCulture);
        using var countFont = new SKFont(LabelFont.Typeface, Math.Min(14f, cell * 0.4f));
        // Shrink the numbers until the widest one fits its cell with a margin.
        var fit = countFont.MeasureText(largest);
        if (fit > cell - 6) countFont.Size *= (cell - 6) / fit;
        using var text = new SKPaint { IsAntialias = true };

        for (var r = 0; r < k; r++)
        {
            var rowTotal = counts[r].Sum();
            for (var c = 0; c < k; c++)
            {
                var share = rowTotal == 0 ? 0f : counts[r][c] / (float)rowTotal;
                var rect = SKRect.Create(left + c * cell, top + r * cell, cell, cell);
                fill.Color = Colour(share);
                canvas.DrawRect(rect, fill);
                canvas.DrawRect(rect, line);
                if (!withCounts) continue;
                // Dark text on light cells, white on dark ones, so every count stays legible.
                text.Color = share > 0.5f ? SKColors.White : new SKColor(30, 30, 30);
                canvas.DrawText(counts[r][c].ToString(CultureInfo.InvariantCulture), rect.MidX, rect.MidY + countFont.Size / 3,
                    SKTextAlign.Center, countFont, text);
            }
        }
    }

    static void DrawColourBar(SKCanvas canvas, float left, float top, float height, SKFont font, SKPaint ink, SKPaint line)
    {
        using var shader = SKShader.CreateLinearGradient(new SKPoint(0, top + height), new SKPoint(0, top),
            Ramp.Select(s => s.Color).ToArray(), Ramp.Select(s => s.At).ToArray(), SKShaderTileMode.Clamp);
        using var paint = new SKPaint { Shader = shader };
        var bar = SKRect.Create(left, top, BarWidth, height);
        canvas.DrawRect(bar, paint);
        canvas.DrawRect(bar, line);
        canvas.Save();
        canvas.Translate(left + BarWidth + 30 + font.Size, top + height / 2);
        canvas.RotateDegrees(-90);
        canvas.DrawText("share of true class", 0, 0, SKTextAlign.Center, font, ink);
        canvas.Restore();
        foreach (var at in new[] { 0f, 0.5f, 1f })
            canvas.DrawText(at.ToString("0.#", CultureInfo.InvariantCulture), left + BarWidth + 4,
                top + height * (1 - at) + font.Size / 3, SKTextAlign.Left, font, ink);
    }

    /// <summary>The ramp colour at <paramref name="share"/> (0..1), interpolated between its stops.</summary>
    static SKColor Colour(float share)
    {
        share = Math.Clamp(share, 0f, 1f);
        for (var i = 1; i < Ramp.Length; i++)
        {
            if (share > Ramp[i].At) continue;
            var (a, b) = (Ramp[i - 1], Ramp[i]);
            var t = (share - a.At) / (b.At - a.At);
            return new SKColor(Lerp(a.Color.Red, b.Color.Red, t), Lerp(a.Color.Green, b.Color.Green, t), Lerp(a.Color.Blue, b.Color.Blue, t));
        }
        return Ramp[^1].Color;
    }

    static byte Lerp(byte a, byte b, float t) => (byte)Math.Round(a + (b - a) * t);
}
