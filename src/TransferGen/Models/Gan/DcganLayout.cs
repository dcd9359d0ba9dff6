using TransferGen.Data;

namespace TransferGen.Models.Gan;

/// <summary>
/// The spatial plan of a DCGAN for one image size: a <see cref="BaseSize"/>×<see cref="BaseSize"/> map that is
/// doubled <see cref="Upsamplings"/> times by stride-2 4×4 (transposed) convolutions.
/// <list type="table">
/// <item><term>28 px</term><description>7 → 14 → 28 (2 doublings; MNIST-style, no resampling needed)</description></item>
/// <item><term>32 px</term><description>4 → 8 → 16 → 32 (3 doublings; CIFAR-style)</description></item>
/// <item><term>64 px</term><description>4 → 8 → 16 → 32 → 64 (4 doublings; the paper's layout)</description></item>
/// </list>
/// For 28 px a 7×7 base was chosen over "generate 32 and crop": every pixel then comes from the same layer
/// structure, the discriminator sees the images unresized, and the network stays small for small data.
/// </summary>
public readonly record struct DcganLayout(int BaseSize, int Upsamplings)
{
    /// <summary>Channel multiplier of the deepest layer: 2^(Upsamplings−1), so ngf·8 at 64 px as in the paper.</summary>
    public int DeepestMultiplier => 1 << (Upsamplings - 1);

    /// <summary>The layout for <paramref name="shape"/>; an <see cref="InputException"/> for sizes DCGAN does not support.</summary>
    public static DcganLayout For(ImageShape shape)
    {
        if (shape.Channels is not (1 or 3))
            throw new InputException($"The DCGAN supports 1- or 3-channel images; the data is {shape}.");
        if (shape.Height != shape.Width)
            throw new InputException($"The DCGAN needs square images; the data is {shape} (resize or crop it first).");
        return shape.Height switch
        {
            28 => new DcganLayout(7, 2),
            32 => new DcganLayout(4, 3),
            64 => new DcganLayout(4, 4),
            _ => throw new InputException($"The DCGAN supports 28, 32 and 64 px images; the data is {shape} (resize it to one of those)."),
        };
    }
}
