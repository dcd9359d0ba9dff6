using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.SyntheticData;

/// <summary>What <see cref="GeneratedImages.Split"/> drew and kept, per class.</summary>
/// <param name="Split">The kept images as a labelled split (uint8 [N, C, H, W] in the requested shape).</param>
/// <param name="Drawn">Images drawn per class (more than kept when a confidence filter refused some).</param>
/// <param name="Kept">Images kept per class.</param>
public sealed record GeneratedSet(TensorSplit Split, IReadOnlyList<int> Drawn, IReadOnlyList<int> Kept);

/// <summary>A conditional generator's images as a labelled dataset split, optionally only the ones a classifier is sure of.</summary>
public static class GeneratedImages
{
    const int Batch = 256;

    /// <summary>
    /// Draws <paramref name="perClass"/> images of each class of <paramref name="generator"/> (class k from seed
    /// <paramref name="seed"/> + k, as <c>gan evaluate --classifier</c> does), resized (bilinear, antialiased) to
    /// <paramref name="shape"/>, so they join the real images they imitate as one split.
    /// </summary>
    /// <param name="generator">A class-conditional generator; an unconditional one is an <see cref="InputException"/>.</param>
    /// <param name="perClass">Images wanted per class.</param>
    /// <param name="shape">The real images' shape (channels must be the generator's).</param>
    /// <param name="seed">Seed of the latents.</param>
    /// <param name="filter">
    /// With a classifier (its classes those of the generator, in the same order), only images it assigns to the requested
    /// class with probability at least <paramref name="minConfidence"/> are kept; up to <paramref name="maxDrawFactor"/> ×
    /// <paramref name="perClass"/> are drawn per class, so a class the classifier rarely recognises keeps fewer.
    /// </param>
    /// <param name="minConfidence">The threshold τ of the filter.</param>
    /// <param name="maxDrawFactor">How many times <paramref name="perClass"/> at most are drawn per class with a filter.</param>
    /// <param name="name">The split's name.</param>
    public static GeneratedSet Split(ImageGenerator generator, int perClass, ImageShape shape, long seed,
        ImageClassifier? filter = null, double minConfidence = 0.9, int maxDrawFactor = 8, string name = "train")
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (!generator.Conditional)
            throw new InputException($"{generator.Folder ?? "The generator"} is unconditional; labelled generated images need a class-conditional GAN (cdcgan).");
        if (perClass < 1) throw new ArgumentOutOfRangeException(nameof(perClass), perClass, "at least one image per class");
        if (shape.Channels != generator.Shape.Channels)
            throw new InputException($"The generator draws {generator.Shape.Channels}-channel images, the data has {shape.Channels} channel(s).");
        if (filter is not null && !filter.Classes.SequenceEqual(generator.Classes))
            throw new InputException("The filtering classifier's classes are not the generator's, in the same order.");

        var kept = new List<Tensor>();
        var labels = new List<int>();
        var drawn = new int[generator.Classes.Count];
        var keptCounts = new int[generator.Classes.Count];
        using var scope = NewDisposeScope();
        for (var k = 0; k < generator.Classes.Count; k++)
        {
            var limit = filter is null ? perClass : perClass * maxDrawFactor;
            var source = new GanImageWriter.FixedClass(generator.Network, k);
            foreach (var images in GanSampling.Batches(source, limit, Batch, seed + k))
            {
                drawn[k] += (int)images.shape[0];
                var bytes = AsBytes(images, shape);
                if (filter is not null)
                {
                    var confident = filter.Probabilities(bytes)[.., k].ge(minConfidence).nonzero().squeeze(1);
                    bytes = bytes.index_select(0, confident);
                }
                var take = (int)Math.Min(bytes.shape[0], perClass - keptCounts[k]);
                if (take > 0)
                {
                    kept.Add(bytes.narrow(0, 0, take));
                    labels.AddRange(Enumerable.Repeat(k, take));
                    keptCounts[k] += take;
                }
                if (keptCounts[k] == perClass) break;
            }
        }
        if (kept.Count == 0)
            throw new InputException($"No generated image passed the confidence filter (τ = {minConfidence}); lower it.");
        var all = cat(kept, 0).MoveToOuterDisposeScope();
        return new GeneratedSet(new TensorSplit(name, all, [.. labels]), drawn, keptCounts);
    }

    // Float [0, 1] images at the generator's size as uint8 images of the real data's size.
    static Tensor AsBytes(Tensor images, ImageShape shape)
    {
        var resized = images.shape[2] == shape.Height && images.shape[3] == shape.Width ? images
            : nn.functional.interpolate(images, [shape.Height, shape.Width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return resized.mul(255).round().clamp(0, 255).to(ScalarType.Byte);
    }
}
