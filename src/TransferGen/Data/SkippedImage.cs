namespace TransferGen.Data;

/// <summary>An image file that a dataset left out because it cannot be used.</summary>
/// <param name="Path">The file, as found under the dataset folder.</param>
/// <param name="Problem">Why, as a phrase: "an empty file", "not an image Skia can read (...)", "truncated or corrupt (...)",
/// "60000 × 60000 pixels, over the limit of 100000000 pixels".</param>
public sealed record SkippedImage(string Path, string Problem);

/// <summary>What a run's config.json records of the skipped files: how many, and the first few.</summary>
/// <param name="Count">Files skipped.</param>
/// <param name="First">The first of them (at most <see cref="Listed"/>), in file order.</param>
public sealed record SkippedImages(int Count, IReadOnlyList<SkippedImage> First)
{
    /// <summary>How many skipped files a record lists by name.</summary>
    public const int Listed = 5;

    /// <summary>The record of <paramref name="dataset"/>'s skipped files (count 0 and an empty list when none).</summary>
    public static SkippedImages Of(ImageDataset dataset) => new(dataset.Skipped.Count, dataset.Skipped.Take(Listed).ToList());
}
