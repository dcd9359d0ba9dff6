namespace TransferGen.Data;

/// <summary>
/// TEMPORARY: a minimal seeded stratified train/test split for ImageFolder pools, until
/// <c>Subsampling.StratifiedSplit</c> (written on another branch) is merged; then this file goes and
/// <see cref="ImageFolderReader"/> calls that instead.
/// </summary>
internal static class StratifiedSplitter
{
    /// <summary>
    /// Splits <paramref name="split"/> class by class: each class's indices are shuffled with one
    /// <see cref="Random"/> seeded by <paramref name="seed"/> (classes visited in label order), and
    /// round(count × <paramref name="testFraction"/>) of them go to test, but never a class's last image.
    /// Both halves keep the source order.
    /// </summary>
    public static (ImageSplit Train, ImageSplit Test) Split(ImageSplit split, double testFraction, int seed,
        string trainName = "train", string testName = "test")
    {
        var random = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        var byClass = Enumerable.Range(0, split.Count).GroupBy(i => split.Labels[i]).OrderBy(g => g.Key);
        foreach (var group in byClass)
        {
            var indices = group.ToArray();
            random.Shuffle(indices);
            var testCount = Math.Min((int)Math.Round(indices.Length * testFraction, MidpointRounding.AwayFromZero), indices.Length - 1);
            test.AddRange(indices[..testCount]);
            train.AddRange(indices[testCount..]);
        }
        train.Sort();
        test.Sort();
        return (split.Subset(train, trainName), split.Subset(test, testName));
    }
}
