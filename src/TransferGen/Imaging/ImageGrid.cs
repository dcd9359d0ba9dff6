using static TorchSharp.torch;

namespace TransferGen.Imaging;

/// <summary>
/// Lays a batch of images out as one picture, as torchvision's make_grid does. Our own because TorchSharp 0.107's
/// make_grid reads one image past the batch whenever the last row is short (10 images in rows of 3 fail) and leaves out
/// the padding above each row.
/// </summary>
public static class ImageGrid
{
    /// <summary>
    /// Images float [N, C, H, W] as a grid float [3, rows·(H+p)+p, cols·(W+p)+p], <paramref name="nrow"/> images per
    /// row (fewer when N is smaller), <paramref name="padding"/> pixels of <paramref name="padValue"/> around each; a
    /// short last row is filled with padding. Gray images are repeated to RGB.
    /// </summary>
    public static Tensor Make(Tensor images, int nrow = 8, int padding = 2, double padValue = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[0] < 1) throw new ArgumentException("images must be a non-empty batch [N, C, H, W]", nameof(images));
        ArgumentOutOfRangeException.ThrowIfLessThan(nrow, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        using var scope = NewDisposeScope();
        var x = images.shape[1] == 1 ? images.expand(-1, 3, -1, -1) : images;
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var cols = Math.Min(nrow, n);
        var rows = (n + cols - 1) / cols;
        if (rows * cols > n)                                                                           // a short last row
            x = cat([x, full(new[] { rows * cols - n, c, h, w }, padValue, dtype: x.dtype, device: x.device)], 0);
        // Padding above and left of every cell; the grid's bottom and right edges get theirs at the end.
        x = nn.functional.pad(x, [padding, 0, padding, 0], value: padValue);                           // [rows·cols, C, H+p, W+p]
        var grid = x.reshape(rows, cols, c, h + padding, w + padding)
            .permute(2, 0, 3, 1, 4)                                                                    // [C, rows, H+p, cols, W+p]
            .reshape(c, rows * (h + padding), cols * (w + padding));
        return nn.functional.pad(grid, [0, padding, 0, padding], value: padValue).MoveToOuterDisposeScope();
    }
}
