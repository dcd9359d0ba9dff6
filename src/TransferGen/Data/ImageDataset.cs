namespace TransferGen.Data;

/// <summary>
/// A labelled image dataset: class names and named splits. Every reader (IDX, CIFAR, ImageFolder, builtins)
/// produces one of these, so the rest of TransferGen never depends on a file format.
/// </summary>
public sealed class ImageDataset
{
    /// <summary>Creates a dataset from its parts.</summary>
    public ImageDataset(string format, string source, IReadOnlyList<string> classes, IReadOnlyList<ImageSplit> splits)
    {
        if (splits.Count == 0) throw new ArgumentException("a dataset needs at least one split", nameof(splits));
        Format = format;
        Source = source;
        Classes = classes;
        Splits = splits;
    }

    /// <summary>Format name: "idx", "cifar10", "cifar100", "imagefolder", "fashion-mnist (embedded sample)", ...</summary>
    public string Format { get; }

    /// <summary>Where the data came from (a path or a builtin name).</summary>
    public string Source { get; }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The splits, in a stable order (train first).</summary>
    public IReadOnlyList<ImageSplit> Splits { get; }

    /// <summary>Image files of an ImageFolder that were left out, in file order: not decodable, or over the pixel limit.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; init; } = [];

    /// <summary>How many files were skipped (<see cref="Skipped"/>'s count).</summary>
    public int SkippedFiles => Skipped.Count;

    /// <summary>Image files found in an ImageFolder, the skipped ones included (0 for other formats).</summary>
    public int ImageFiles { get; init; }

    /// <summary>Links to folders inside an ImageFolder, which are not followed: a link back up the tree would count images twice, or under another class.</summary>
    public IReadOnlyList<string> IgnoredFolderLinks { get; init; } = [];

    /// <summary>The pixel limit the image files were checked against; null for formats not read from image files.</summary>
    public long? MaxImagePixels { get; init; }

    /// <summary>
    /// When the dataset was cut down to some of its classes (<see cref="ClassSelection"/>): the original label of each
    /// class, by new label; null when it holds every class it was read with.
    /// </summary>
    public IReadOnlyList<int>? SelectedClasses { get; init; }

    /// <summary>
    /// One sentence for each thing about the loading a user should hear (skipped files, ignored folder links); empty
    /// when all went as expected. The command-line tool prints each as a warning.
    /// </summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var warnings = new List<string>();
            if (Skipped.Count > 0)
                warnings.Add($"skipped {Skipped.Count} of {ImageFiles} files in {Source} that could not be decoded " +
                             $"(first: {Skipped[0].Path}: {Skipped[0].Problem}).");
            if (IgnoredFolderLinks.Count > 0)
                warnings.Add((IgnoredFolderLinks.Count == 1 ? $"did not follow the folder link {Describe(IgnoredFolderLinks[0])}"
                              : $"did not follow {IgnoredFolderLinks.Count} folder links in {Source} (first: {Describe(IgnoredFolderLinks[0])})")
                             + "; links to folders are not read, so that no image is counted twice or under another class.");
            return warnings;
        }
    }

    static string Describe(string link) =>
        new DirectoryInfo(link).LinkTarget is { } target ? $"{link} -> {target}" : link;

    /// <summary>Shape of the images (of the first split).</summary>
    public ImageShape Shape => Splits[0].Shape;

    /// <summary>True when the named split exists.</summary>
    public bool HasSplit(string name) => Splits.Any(s => s.Name == name);

    /// <summary>The split called <paramref name="name"/>; a clear <see cref="InputException"/> when absent.</summary>
    public ImageSplit this[string name] =>
        Splits.FirstOrDefault(s => s.Name == name)
        ?? throw new InputException($"Dataset '{Source}' has no '{name}' split (it has: {string.Join(", ", Splits.Select(s => s.Name))}).");
}
