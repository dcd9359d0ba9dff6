using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// Turns uint8 pixels 0..255 into float32 0..1 (divides by 255). A floating-point image is taken to be in 0..1
/// already and is only converted to float32, so applying this twice does no harm.
/// </summary>
public sealed class ToFloat : ITransform
{
    /// <inheritdoc />
    public bool IsRandom => false;

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        ImageTensor.Check(image, nameof(ToFloat));
        if (image.dtype == ScalarType.Float32) return image.clone();
        if (image.is_floating_point()) return image.to_type(ScalarType.Float32);
        if (image.dtype != ScalarType.Byte)
            throw new ArgumentException($"ToFloat expects uint8 or floating-point pixels, got {image.dtype}.", nameof(image));
        using var asFloat = image.to_type(ScalarType.Float32);
        return asFloat.div(255f);
    }

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input) => input;

    /// <inheritdoc />
    public override string ToString() => "ToFloat";
}
