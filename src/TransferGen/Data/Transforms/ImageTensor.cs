using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>Checks and small tensor plumbing shared by the transforms.</summary>
internal static class ImageTensor
{
    /// <summary>Throws unless <paramref name="image"/> is [C, H, W] or [N, C, H, W].</summary>
    public static void Check(Tensor image, string transform)
    {
        if (image.dim() is not (3 or 4))
            throw new ArgumentException(
                $"{transform} expects an image [C, H, W] or a batch [N, C, H, W], got a tensor of shape [{string.Join(", ", image.shape)}].",
                nameof(image));
    }

    /// <summary>Channels, height and width of an image or batch (its last three dimensions).</summary>
    public static (int Channels, int Height, int Width) Size(Tensor image) =>
        ((int)image.shape[^3], (int)image.shape[^2], (int)image.shape[^1]);

    /// <summary>
    /// Runs a batch-only operation (interpolate, grid_sample) on an image or a batch, adding and removing the
    /// batch dimension around it for a single image.
    /// </summary>
    public static Tensor OnBatch(Tensor image, Func<Tensor, Tensor> batchOp)
    {
        if (image.dim() == 4) return batchOp(image);
        using var batch = image.unsqueeze(0);
        using var result = batchOp(batch);
        // The squeezed view keeps the storage alive after its parent handle is disposed.
        return result.squeeze(0);
    }

    /// <summary>
    /// Runs an operation that needs floating point (interpolation, weighted sums) on any image. A uint8 image is
    /// computed in float32 and rounded back to uint8, so such transforms may stand before or after
    /// <see cref="ToFloat"/>.
    /// </summary>
    public static Tensor InFloat(Tensor image, Func<Tensor, Tensor> floatOp)
    {
        if (image.is_floating_point()) return floatOp(image);
        if (image.dtype != ScalarType.Byte)
            throw new ArgumentException($"Images must be uint8 or floating point, got {image.dtype}.", nameof(image));
        using var asFloat = image.to_type(ScalarType.Float32);
        using var result = floatOp(asFloat);
        using var rounded = result.round();
        using var clamped = rounded.clamp(0, 255);
        return clamped.to_type(ScalarType.Byte);
    }

    /// <summary>
    /// The window of <paramref name="height"/> × <paramref name="width"/> pixels whose top-left corner sits at
    /// (<paramref name="top"/>, <paramref name="left"/>) in the image; parts of the window outside the image are 0.
    /// Negative offsets and windows larger than the image are allowed: this one function serves centre crops of
    /// small images, padded random crops and shifts.
    /// </summary>
    public static Tensor CropWithZeroFill(Tensor image, int top, int left, int height, int width)
    {
        var (_, h, w) = Size(image);
        // constant_pad_nd takes (left, right, top, bottom); a negative amount removes pixels instead of adding
        // them, and the result is always a new tensor.
        long[] pad = [-left, left + width - w, -top, top + height - h];
        return nn.functional.pad(image, pad, PaddingModes.Constant, 0);
    }
}
