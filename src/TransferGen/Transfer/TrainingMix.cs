using TransferGen.Data;

namespace TransferGen.Transfer;

/// <summary>Joins real and extra (generated) training images at a chosen ratio.</summary>
public static class TrainingMix
{
    /// <summary>
    /// A split holding every image of <paramref name="real"/> and of <paramref name="extra"/>, with the smaller side
    /// repeated (cycled from a seeded shuffle) until extra images make up <paramref name="extraRatio"/> of the whole.
    /// Repeating rather than dropping keeps every real image in every epoch, and the real images' weight in the loss
    /// is then 1 − <paramref name="extraRatio"/> whatever the sizes.
    /// </summary>
    /// <param name="real">The real training images.</param>
    /// <param name="extra">The extra images; labels index the same classes.</param>
    /// <param name="extraRatio">The share of extra images, strictly between 0 and 1.</param>
    /// <param name="seed">Seed of the order in which a repeated side's images are drawn again.</param>
    public static ImageSplit Join(ImageSplit real, ImageSplit extra, double extraRatio, int seed)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(extra);
        if (extraRatio is not (> 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(extraRatio), extraRatio, "the ratio must be between 0 and 1");
        if (real.Count == 0 || extra.Count == 0) throw new ArgumentException("both sides need at least one image");
        if (real.Shape.Channels != extra.Shape.Channels)
            throw new InputException($"The extra training images have {extra.Shape.Channels} channel(s), the dataset's {real.Shape.Channels}.");
        // Sizes with extra / (real + extra) = ratio, neither below its own count.
        var extraWanted = (int)Math.Round(real.Count * extraRatio / (1 - extraRatio));
        var (realCount, extraCount) = extraWanted >= extra.Count
            ? (real.Count, extraWanted)
            : ((int)Math.Round(extra.Count * (1 - extraRatio) / extraRatio), extra.Count);
        var random = new Random(seed);
        return new JoinedSplit(real.Name, Cycled(real, realCount, random), Cycled(extra, extraCount, random));
    }

    // `count` images of `split`: all of them once, then more in shuffled passes until there are `count`.
    static SubsetSplit Cycled(ImageSplit split, int count, Random random)
    {
        var indices = new List<int>(count);
        indices.AddRange(Enumerable.Range(0, Math.Min(count, split.Count)));
        while (indices.Count < count)
        {
            var pass = Enumerable.Range(0, split.Count).ToArray();
            random.Shuffle(pass);
            indices.AddRange(pass.Take(count - indices.Count));
        }
        return new SubsetSplit(split, indices, split.Name);
    }
}
