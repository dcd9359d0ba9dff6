using System.Text.RegularExpressions;

namespace TransferGen.Data;

/// <summary>
/// A folder of IDX file pairs, named like MNIST's: <c>PREFIX-images-idx3-ubyte[.gz]</c> with
/// <c>PREFIX-labels-idx1-ubyte[.gz]</c> (a dot instead of the last dash, as some copies have, also works).
/// Prefix <c>train</c> becomes the train split, <c>t10k</c> the test split; any other prefix names its own split.
/// </summary>
internal static partial class IdxFolder
{
    [GeneratedRegex(@"^(?<prefix>.+)-images[-.]idx3-ubyte(\.gz)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ImagesFileName();

    /// <summary>True when <paramref name="folder"/> holds at least one IDX images file.</summary>
    public static bool Contains(string folder) => FindImageFiles(folder).Any();

    /// <summary>
    /// Loads every IDX pair in <paramref name="folder"/>. Labels must be below the number of
    /// <paramref name="classNames"/> when given; otherwise the classes are named "0", "1", ... up to the largest label.
    /// </summary>
    public static ImageDataset Load(string folder, IReadOnlyList<string>? classNames = null, string format = "idx")
    {
        var images = FindImageFiles(folder).ToList();
        if (images.Count == 0)
            throw new InputException($"{folder}: no IDX images file (*-images-idx3-ubyte or .gz) in this folder.");

        var splits = new List<ImageSplit>();
        try
        {
            foreach (var (imagesPath, prefix) in images)
            {
                var labelsPath = FindLabels(folder, prefix)
                    ?? throw new InputException($"{imagesPath} has no labels file: expected {Path.Combine(folder, prefix + "-labels-idx1-ubyte")} (or .gz).");
                splits.Add(IdxReader.Load(imagesPath, labelsPath, SplitName(prefix), classNames?.Count));
            }
        }
        catch
        {
            foreach (var split in splits) ((TensorSplit)split).Images.Dispose();
            throw;
        }

        var ordered = DatasetOrder.Splits(splits);
        var classes = classNames ?? NumberedClasses(ordered);
        return new ImageDataset(format, folder, classes, ordered);
    }

    static IEnumerable<(string Path, string Prefix)> FindImageFiles(string folder) =>
        Directory.EnumerateFiles(folder)
            .Select(path => (Path: path, Match: ImagesFileName().Match(Path.GetFileName(path))))
            .Where(f => f.Match.Success)
            .Select(f => (f.Path, f.Match.Groups["prefix"].Value))
            // A folder holding both a raw and a .gz copy would give the same split twice; take the first name.
            .GroupBy(f => f.Value, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.OrderBy(f => f.Path, StringComparer.Ordinal).First())
            .OrderBy(f => f.Value, StringComparer.Ordinal);

    static string? FindLabels(string folder, string prefix) =>
        new[] { "-labels-idx1-ubyte", "-labels-idx1-ubyte.gz", "-labels.idx1-ubyte", "-labels.idx1-ubyte.gz" }
            .Select(suffix => Path.Combine(folder, prefix + suffix))
            .FirstOrDefault(File.Exists);

    static string SplitName(string prefix) => prefix.ToLowerInvariant() switch
    {
        "t10k" => "test",
        var p => p,
    };

    static string[] NumberedClasses(IReadOnlyList<ImageSplit> splits)
    {
        var max = splits.SelectMany(s => s.Labels).DefaultIfEmpty(0).Max();
        return Enumerable.Range(0, max + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
