namespace TransferGen.Models;

/// <summary>The order of the colour channels a backbone expects.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue (torchvision, most PyTorch models).</summary>
    Rgb,

    /// <summary>Blue, green, red (Caffe-style models).</summary>
    Bgr,
}

/// <summary>
/// How a backbone's input must be prepared, as its weights were trained: channel order, pixel range, per-channel
/// statistics and native size. It travels with the backbone (and into a run's config.json) so no training or
/// prediction code holds normalisation constants of its own.
/// </summary>
/// <param name="Order">Channel order of the input.</param>
/// <param name="PixelScale">Range of the pixels before the mean is subtracted: 1 for 0..1, 255 for 0..255.</param>
/// <param name="Mean">Per-channel mean, in the units of <paramref name="PixelScale"/>, in the backbone's channel order.</param>
/// <param name="Std">Per-channel standard deviation, in the same units and order (all ones to subtract only a mean).</param>
/// <param name="NativeSize">The input height and width the weights were trained at.</param>
public sealed record Preprocessing(ChannelOrder Order, double PixelScale, IReadOnlyList<double> Mean, IReadOnlyList<double> Std, int NativeSize)
{
    /// <summary>torchvision's ImageNet preprocessing: RGB, 0..1, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225), 224 px.</summary>
    public static Preprocessing ImageNet { get; } = new(ChannelOrder.Rgb, 1.0, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225], 224);

    /// <summary>
    /// The statistics for a one-channel input fed to a first convolution adapted to gray (kernels summed): the
    /// mean of the channel means and of the channel standard deviations, since a gray pixel stands for all three.
    /// </summary>
    public Preprocessing ForSingleChannel() => this with { Mean = [Mean.Average()], Std = [Std.Average()] };
}
