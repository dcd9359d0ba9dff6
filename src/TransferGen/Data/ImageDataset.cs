namespace TransferGen.Data;

/// <summary>
/// A labelled image dataset: class names and named splits. Every reader (IDX, CIFAR, ImageFolder, builtins)
/// produces one of these, so the rest of TransferGen never depends on a file format.
/// </summary>
public sealed class ImageDataset
{
    /// <summary>Creates a dataset from its parts.</summary>
    public ImageDataset(string format, string source, IReadOnlyList<string> classes, IReadOnlyList<ImageSplit> splits,
        int skippedFiles = 0)
    {
        if (splits.Count == 0) throw new ArgumentException("a dataset needs at least one split", nameof(splits));
        Format = format;
        Source = source;
        Classes = classes;
        Splits = splits;
        SkippedFiles = skippedFiles;
    }

    /// <summary>Format name: "idx", "cifar10", "cifar100", "imagefolder", "fashion-mnist (embedded sample)", ...</summary>
    public string Format { get; }

    /// <summary>Where the data came from (a path or a builtin name).</summary>
    public string Source { get; }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The splits, in a stable order (train first).</summary>
    public IReadOnlyList<ImageSplit> Splits { get; }

    /// <summary>Files that could not be decoded and were skipped (ImageFolder without --strict).</summary>
    public int SkippedFiles { get; }

    /// <summary>Shape of the images (of the first split).</summary>
    public ImageShape Shape => Splits[0].Shape;

    /// <summary>True when the named split exists.</summary>
    public bool HasSplit(string name) => Splits.Any(s => s.Name == name);

    /// <summary>The split called <paramref name="name"/>; a clear <see cref="InputException"/> when absent.</summary>
    public ImageSplit this[string name] =>
        Splits.FirstOrDefault(s => s.Name == name)
        ?? throw new InputException($"Dataset '{Source}' has no '{name}' split (it has: {string.Join(", ", Splits.Select(s => s.Name))}).");
}
