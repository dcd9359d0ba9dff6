namespace TransferGen.Data;

/// <summary>The one order every reader gives its splits in, so "the first split" always means train.</summary>
internal static class DatasetOrder
{
    static readonly string[] Known = ["train", "test", "val"];

    /// <summary>Train, test, val, then any other split by ordinal name.</summary>
    public static IReadOnlyList<ImageSplit> Splits(IEnumerable<ImageSplit> splits) =>
        splits.OrderBy(s => Array.IndexOf(Known, s.Name) is var i and >= 0 ? i : Known.Length)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
}
