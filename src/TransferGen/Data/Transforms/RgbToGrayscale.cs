using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// Makes a three-channel image one-channel with the ITU-R BT.601 luma weights
/// (0.299 R + 0.587 G + 0.114 B). One-channel images pass through unchanged. A uint8 image is weighted in float
/// and rounded back to uint8.
/// </summary>
public sealed class RgbToGrayscale : ITransform
{
    /// <summary>The BT.601 weights of red, green and blue.</summary>
    public static readonly IReadOnlyList<double> LumaWeights = [0.299, 0.587, 0.114];

    /// <inheritdoc />
    public bool IsRandom => false;

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        ImageTensor.Check(image, nameof(RgbToGrayscale));
        return ImageTensor.Size(image).Channels switch
        {
            3 => ImageTensor.InFloat(image, Luma),
            1 => image.clone(),
            var c => throw new ArgumentException($"RgbToGrayscale expects 1 or 3 channels, got {c}.", nameof(image)),
        };
    }

    static Tensor Luma(Tensor rgb)
    {
        using var weights = torch.tensor(LumaWeights.ToArray(), [3, 1, 1], dtype: rgb.dtype);
        using var weighted = rgb.mul(weights);
        return weighted.sum(-3, keepdim: true);
    }

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input) => input with { Channels = 1 };

    /// <inheritdoc />
    public override string ToString() => "RgbToGrayscale";
}
