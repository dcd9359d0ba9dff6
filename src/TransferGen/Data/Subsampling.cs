namespace TransferGen.Data;

/// <summary>
/// Seeded, stratified choices of images: a few examples per class (few-shot transfer) and train/test splits.
/// The same split and seed always give the same indices; results keep the images in their original order.
/// </summary>
public static class Subsampling
{
    /// <summary>
    /// A view of <paramref name="split"/> with <paramref name="k"/> images of each class, chosen by a seeded
    /// shuffle within the class. A class with fewer than <paramref name="k"/> images keeps all of them (so the
    /// result can be smaller than k × classes); classes without images stay absent.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    public static ImageSplit PerClass(ImageSplit split, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "the number of images per class must be at least 1");
        var rng = DataRandom.ForSubset(seed);
        var chosen = new List<int>();
        foreach (var members in ByClass(split))
        {
            DataRandom.Shuffle(rng, members);
            chosen.AddRange(members.Take(k));
        }
        chosen.Sort();
        return split.Subset(chosen);
    }

    /// <summary>
    /// How many images of each class <see cref="PerClass"/> keeps: min(k, the class's count), for labels 0 to
    /// <paramref name="classCount"/> − 1.
    /// </summary>
    public static int[] PerClassCounts(ImageSplit split, int k, int classCount)
    {
        ArgumentNullException.ThrowIfNull(split);
        return split.CountPerClass(classCount).Select(n => Math.Min(n, k)).ToArray();
    }

    /// <summary>
    /// A sentence naming the classes of <paramref name="split"/> that have fewer than <paramref name="k"/> images (so
    /// <see cref="PerClass"/> keeps all of theirs, and fewer than asked); null when every class has k or more.
    /// </summary>
    public static string? ShortClassesWarning(ImageSplit split, int k, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(classes);
        var counts = split.CountPerClass(classes.Count);
        var shortOnes = Enumerable.Range(0, classes.Count).Where(c => counts[c] < k).ToList();
        if (shortOnes.Count == 0) return null;
        const int Named = 10;
        var named = string.Join(", ", shortOnes.Take(Named).Select(c => $"{classes[c]} {counts[c]}"))
                    + (shortOnes.Count > Named ? $" and {shortOnes.Count - Named} more" : "");
        return $"{k} labels per class were asked for, but {shortOnes.Count} of {classes.Count} classes have fewer images in " +
               $"'{split.Name}', so all of theirs are used: {named}.";
    }

    /// <summary>
    /// Splits <paramref name="split"/> in two, class by class: each class sends round(n × testFraction) of its n
    /// images to the test part, chosen by a seeded shuffle, but at least one and at most n − 1 when it has two or
    /// more images; a class with a single image keeps it for training.
    /// </summary>
    /// <param name="split">The images to divide.</param>
    /// <param name="testFraction">Share of each class that goes to the test part, strictly between 0 and 1.</param>
    /// <param name="seed">Seed of the choice.</param>
    /// <param name="trainName">Name of the training part.</param>
    /// <param name="testName">Name of the test part.</param>
    /// <returns>Two disjoint views that together hold every image of <paramref name="split"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    /// <exception cref="InputException">No class has two images, so there is nothing to test on.</exception>
    public static (ImageSplit Train, ImageSplit Test) StratifiedSplit(ImageSplit split, double testFraction, int seed,
        string trainName = "train", string testName = "test")
    {
        ArgumentNullException.ThrowIfNull(split);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "the test fraction must be between 0 and 1");
        var rng = DataRandom.ForSubset(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var members in ByClass(split))
        {
            DataRandom.Shuffle(rng, members);
            int testCount = members.Length < 2
                ? 0
                : Math.Clamp((int)Math.Round(members.Length * testFraction, MidpointRounding.AwayFromZero), 1, members.Length - 1);
            test.AddRange(members.Take(testCount));
            train.AddRange(members.Skip(testCount));
        }
        if (test.Count == 0)
            throw new InputException(
                $"Cannot split '{split.Name}' into {trainName} and {testName}: no class has at least two images.");
        train.Sort();
        test.Sort();
        return (split.Subset(train, trainName), split.Subset(test, testName));
    }

    /// <summary>The indices of each class present, in label order, each list in split order.</summary>
    static IEnumerable<int[]> ByClass(ImageSplit split) =>
        split.Labels.Select((label, index) => (label, index))
            .GroupBy(x => x.label)
            .OrderBy(g => g.Key)
            .Select(g => g.Select(x => x.index).ToArray());
}
