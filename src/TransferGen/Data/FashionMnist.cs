using System.Reflection;

namespace TransferGen.Data;

/// <summary>
/// The builtin <c>fashion-mnist</c> dataset (Xiao, Rasul and Vollgraf 2017; MIT licence, Zalando SE): the full
/// 60 000 + 10 000 images when their IDX files are installed (the Debian package dataset-fashion-mnist puts them in
/// /usr/share/datasets/fashion-mnist), otherwise a 200 + 50 images per class sample embedded in this library, so
/// the tool works anywhere without a download.
/// </summary>
public static class FashionMnist
{
    /// <summary>The builtin's name.</summary>
    public const string Name = "fashion-mnist";

    /// <summary>The ten class names, indexed by label.</summary>
    public static IReadOnlyList<string> Classes { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    const string ResourcePrefix = "TransferGen.Data.Embedded.fashion-mnist-sample.";

    static readonly (string Split, string Prefix)[] Files = [("train", "train"), ("test", "t10k")];

    /// <summary>
    /// Loads the full dataset from <see cref="DatasetOptions.ResolvedFashionMnistDirectory"/> when all four files are
    /// there (<see cref="ImageDataset.Format"/> "fashion-mnist"), else the embedded sample
    /// ("fashion-mnist (embedded sample)").
    /// </summary>
    public static ImageDataset Load(DatasetOptions? options = null)
    {
        var folder = (options ?? new DatasetOptions()).ResolvedFashionMnistDirectory;
        return HasFullDataset(folder) ? LoadFolder(folder) : LoadEmbeddedSample();
    }

    /// <summary>True when <paramref name="folder"/> holds the four gzip IDX files of the full dataset.</summary>
    public static bool HasFullDataset(string folder) =>
        Files.All(f => File.Exists(Path.Combine(folder, $"{f.Prefix}-images-idx3-ubyte.gz"))
                       && File.Exists(Path.Combine(folder, $"{f.Prefix}-labels-idx1-ubyte.gz")));

    /// <summary>Loads the full dataset from a folder holding the four gzip IDX files.</summary>
    public static ImageDataset LoadFolder(string folder)
    {
        var splits = Files.Select(f => IdxReader.Load(
            Path.Combine(folder, $"{f.Prefix}-images-idx3-ubyte.gz"),
            Path.Combine(folder, $"{f.Prefix}-labels-idx1-ubyte.gz"),
            f.Split, Classes.Count)).ToList<ImageSplit>();
        return new ImageDataset(Name, folder, Classes, splits);
    }

    /// <summary>Loads the sample embedded in the library (200 train and 50 test images per class).</summary>
    public static ImageDataset LoadEmbeddedSample()
    {
        var assembly = typeof(FashionMnist).Assembly;
        var splits = Files.Select(f =>
        {
            var images = $"{f.Prefix}-images-idx3-ubyte.gz";
            var labels = $"{f.Prefix}-labels-idx1-ubyte.gz";
            using var imageStream = OpenResource(assembly, images);
            using var labelStream = OpenResource(assembly, labels);
            return IdxReader.Load(imageStream, $"embedded:{images}", labelStream, $"embedded:{labels}", f.Split, Classes.Count);
        }).ToList<ImageSplit>();
        return new ImageDataset($"{Name} (embedded sample)", Name, Classes, splits);
    }

    static Stream OpenResource(Assembly assembly, string file) =>
        assembly.GetManifestResourceStream(ResourcePrefix + file)
        // Only a broken build gets here, so this is a bug, not a user error.
        ?? throw new InvalidOperationException($"the embedded resource {ResourcePrefix + file} is missing from {assembly.GetName().Name}");
}
