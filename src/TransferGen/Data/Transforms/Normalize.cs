using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// Per-channel standardisation: <c>(pixel · scale − mean[c]) / std[c]</c>. Use scale 1 for statistics given
/// in 0..1 (torchvision's ImageNet mean/std) and scale 255 for statistics given in pixel units 0..255 (Caffe- and
/// Keras-style models). Needs a floating-point image: put <see cref="ToFloat"/> before it.
/// </summary>
public sealed class Normalize : ITransform
{
    readonly double[] _mean;
    readonly double[] _std;
    readonly double _scale;

    /// <summary>Creates the transform.</summary>
    /// <param name="mean">One value per channel, or one value for all channels.</param>
    /// <param name="std">As many values as <paramref name="mean"/>; all non-zero.</param>
    /// <param name="scale">Factor applied to the 0..1 pixels before the mean is subtracted.</param>
    public Normalize(IReadOnlyList<double> mean, IReadOnlyList<double> std, double scale = 1.0)
    {
        if (mean.Count == 0) throw new ArgumentException("mean needs at least one value", nameof(mean));
        if (std.Count != mean.Count)
            throw new ArgumentException($"std has {std.Count} values but mean has {mean.Count}", nameof(std));
        if (std.Any(s => s == 0 || !double.IsFinite(s))) throw new ArgumentException("every std must be finite and non-zero", nameof(std));
        if (scale == 0 || !double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "must be finite and non-zero");
        _mean = mean.ToArray();
        _std = std.ToArray();
        _scale = scale;
    }

    /// <summary>The per-channel means (in the units after scaling).</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>The per-channel standard deviations (in the units after scaling).</summary>
    public IReadOnlyList<double> Std => _std;

    /// <summary>The factor applied to the pixels first.</summary>
    public double Scale => _scale;

    /// <inheritdoc />
    public bool IsRandom => false;

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        ImageTensor.Check(image, nameof(Normalize));
        if (!image.is_floating_point())
            throw new ArgumentException($"Normalize needs floating-point pixels, got {image.dtype}; put ToFloat before it.", nameof(image));
        int channels = ImageTensor.Size(image).Channels;
        if (_mean.Length != 1 && _mean.Length != channels)
            throw new ArgumentException($"Normalize has statistics for {_mean.Length} channels but the image has {channels}.", nameof(image));
        long[] shape = [_mean.Length, 1, 1];
        using var mean = torch.tensor(_mean, shape, dtype: image.dtype);
        using var std = torch.tensor(_std, shape, dtype: image.dtype);
        using var scaled = image.mul(_scale);
        using var centred = scaled.sub(mean);
        return centred.div(std);
    }

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input) => input;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Normalize(mean [{string.Join(", ", _mean)}], std [{string.Join(", ", _std)}]{(_scale == 1 ? "" : $", scale {_scale}")})");
}
