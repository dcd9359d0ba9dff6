using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// Makes a one-channel image three-channel by repeating the channel (for backbones pretrained on RGB).
/// Three-channel images pass through unchanged, so one pipeline serves mixed data.
/// </summary>
public sealed class GrayscaleToRgb : ITransform
{
    /// <inheritdoc />
    public bool IsRandom => false;

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        ImageTensor.Check(image, nameof(GrayscaleToRgb));
        return ImageTensor.Size(image).Channels switch
        {
            1 => torch.cat([image, image, image], -3),
            3 => image.clone(),
            var c => throw new ArgumentException($"GrayscaleToRgb expects 1 or 3 channels, got {c}.", nameof(image)),
        };
    }

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input) => input with { Channels = 3 };

    /// <inheritdoc />
    public override string ToString() => "GrayscaleToRgb";
}
