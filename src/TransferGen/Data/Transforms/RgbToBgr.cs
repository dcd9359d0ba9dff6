using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// Reverses the channel order of a three-channel image (RGB ↔ BGR), for backbones trained on BGR input
/// (Caffe-style models). One-channel images pass through unchanged.
/// </summary>
public sealed class RgbToBgr : ITransform
{
    /// <inheritdoc />
    public bool IsRandom => false;

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        ImageTensor.Check(image, nameof(RgbToBgr));
        return ImageTensor.Size(image).Channels switch
        {
            1 => image.clone(),
            3 => image.flip(-3),
            var c => throw new ArgumentException($"RgbToBgr expects 1 or 3 channels, got {c}.", nameof(image)),
        };
    }

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input) => input;

    /// <inheritdoc />
    public override string ToString() => "RgbToBgr";
}
