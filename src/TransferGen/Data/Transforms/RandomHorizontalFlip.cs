using System.Globalization;
using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>Mirrors the image left–right with probability <c>p</c> (default ½).</summary>
public sealed class RandomHorizontalFlip : ITransform
{
    readonly double _p;

    /// <summary>Creates the transform; <paramref name="p"/> is the flip probability in [0, 1].</summary>
    public RandomHorizontalFlip(double p = 0.5)
    {
        if (p is < 0 or > 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "must be in [0, 1]");
        _p = p;
    }

    /// <inheritdoc />
    public bool IsRandom => true;

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        ImageTensor.Check(image, nameof(RandomHorizontalFlip));
        // Always draw, even for p = 0 or 1, so later transforms see the same random stream whatever p is.
        bool flip = rng.NextDouble() < _p;
        return flip ? image.flip(-1) : image.clone();
    }

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input) => input;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RandomHorizontalFlip(p={_p})");
}
