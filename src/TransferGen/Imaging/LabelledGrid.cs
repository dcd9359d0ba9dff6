using SkiaSharp;
using static TorchSharp.torch;

namespace TransferGen.Imaging;

/// <summary>
/// Draws rows of images with a text label to the left of each row (e.g. a few examples per class) and
/// encodes the result as PNG. Images may differ in size: each is scaled to fit its square cell.
/// </summary>
public static class LabelledGrid
{
    /// <summary>Renders the grid and returns PNG bytes.</summary>
    /// <param name="rows">One entry per row: its label and its images (uint8 or float 0..1 tensors [C,H,W], C = 1 or 3).</param>
    /// <param name="cell">Side of each square cell in pixels.</param>
    public static byte[] RenderPng(IReadOnlyList<(string Label, IReadOnlyList<Tensor> Images)> rows, int cell = 64)
    {
        if (rows.Count == 0) throw new ArgumentException("the grid needs at least one row", nameof(rows));
        const int pad = 4;
        using var font = new SKFont(LabelFont.Typeface, 13);
        var labelWidth = (int)Math.Ceiling(rows.Max(r => font.MeasureText(r.Label))) + 3 * pad;
        var columns = Math.Max(1, rows.Max(r => r.Images.Count));
        var width = labelWidth + columns * (cell + pad) + pad;
        var height = rows.Count * (cell + pad) + pad;

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var textPaint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest);

        for (var r = 0; r < rows.Count; r++)
        {
            var top = pad + r * (cell + pad);
            canvas.DrawText(rows[r].Label, pad, top + cell / 2f + font.Size / 3f, SKTextAlign.Left, font, textPaint);
            for (var c = 0; c < rows[r].Images.Count; c++)
            {
                using var image = ImageCodec.ToSkImage(rows[r].Images[c]);
                var scale = Math.Min((float)cell / image.Width, (float)cell / image.Height);
                var w = image.Width * scale;
                var h = image.Height * scale;
                var left = labelWidth + c * (cell + pad) + (cell - w) / 2;
                canvas.DrawImage(image, SKRect.Create(left, top + (cell - h) / 2, w, h), sampling);
            }
        }

        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
