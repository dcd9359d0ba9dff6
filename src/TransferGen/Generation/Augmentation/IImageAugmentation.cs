using static TorchSharp.torch;

namespace TransferGen.Generation.Augmentation;

/// <summary>
/// One differentiable augmentation of a batch of images, drawn independently for every image: what the discriminator
/// sees instead of the batch itself (DiffAugment, Zhao et al. 2020; ADA, Karras et al. 2020).
/// </summary>
/// <remarks>
/// <para>Contract for implementations:</para>
/// <list type="bullet">
/// <item>Batched tensor operations only, differentiable with respect to the images, so that the generator's gradient
/// flows through the augmentation of its fakes.</item>
/// <item>Every random draw comes from the <c>generator</c> passed in (LibTorch's global one when null), so a seeded
/// generator reproduces the same augmentations.</item>
/// <item>Return a new tensor (or the input itself when nothing is applied); never modify the input. Intermediates
/// belong to the caller's DisposeScope.</item>
/// <item>Work for any number of channels (1 for gray, 3 for colour) and any image size.</item>
/// </list>
/// </remarks>
public interface IImageAugmentation
{
    /// <summary>The augmentation's name ("brightness", "translation", ...).</summary>
    string Name { get; }

    /// <summary>
    /// Augments <paramref name="images"/> float [B, C, H, W]. Each image is augmented with probability
    /// <paramref name="probability"/> and left exactly as it is otherwise; at 1 every image is augmented (DiffAugment),
    /// at 0 or below nothing is drawn and the input comes back.
    /// </summary>
    /// <param name="images">The batch, in [-1, 1] as the GAN trains on it.</param>
    /// <param name="probability">Chance of augmenting each image (ADA's p).</param>
    /// <param name="generator">Source of every random draw; LibTorch's global generator when null.</param>
    Tensor Apply(Tensor images, double probability, Generator? generator = null);
}
