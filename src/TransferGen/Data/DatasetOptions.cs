using TransferGen.Imaging;

namespace TransferGen.Data;

/// <summary>How a dataset is loaded: options shared by DatasetResolver and the readers.</summary>
public sealed record DatasetOptions
{
    /// <summary>Environment variable naming the folder that holds the full Fashion-MNIST IDX files.</summary>
    public const string FashionMnistDirectoryVariable = "TRANSFERGEN_FASHION_MNIST_DIR";

    /// <summary>Where the Debian package dataset-fashion-mnist installs the full Fashion-MNIST.</summary>
    public const string SystemFashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// Fail on the first image file that cannot be decoded (an ImageFolder) instead of skipping it and counting it in
    /// <see cref="ImageDataset.SkippedFiles"/>.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>
    /// The most pixels (width × height, from the header) an image file may have: files above it are skipped and
    /// counted like other unreadable images (an error with <see cref="Strict"/>). Default
    /// <see cref="ImageCodec.DefaultMaxPixels"/> (100 megapixels), at most <see cref="ImageCodec.MaxPixelsCeiling"/>.
    /// The header is checked before any buffer is sized, so a small file claiming a huge image costs nothing.
    /// </summary>
    public long MaxImagePixels { get; init; } = ImageCodec.DefaultMaxPixels;

    /// <summary>
    /// Keep only these classes, given by name or index (<see cref="ClassSelection"/>): their images, relabelled 0..k−1 in
    /// this order, under their names. Null keeps every class.
    /// </summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Seed of the stratified train/test split of an ImageFolder that has no train/test subfolders.</summary>
    public int Seed { get; init; }

    /// <summary>Fraction of each class that goes to the test split of an ImageFolder without train/test subfolders
    /// (0 keeps everything in train).</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>
    /// Folder holding the full Fashion-MNIST (train/t10k images and labels, .gz). Null means: the folder named by
    /// <see cref="FashionMnistDirectoryVariable"/> when that is set, else <see cref="SystemFashionMnistDirectory"/>.
    /// When the folder lacks any of the four files, the builtin falls back to the sample embedded in TransferGen.
    /// </summary>
    public string? FashionMnistDirectory { get; init; }

    /// <summary>The folder the fashion-mnist builtin looks in, after applying the defaults.</summary>
    public string ResolvedFashionMnistDirectory =>
        FashionMnistDirectory
        ?? (Environment.GetEnvironmentVariable(FashionMnistDirectoryVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : SystemFashionMnistDirectory);

    internal void Validate()
    {
        if (!(TestFraction >= 0 && TestFraction < 1))
            throw new InputException($"The test fraction must be at least 0 and below 1, got {TestFraction}.");
        if (MaxImagePixels is < 1 or > ImageCodec.MaxPixelsCeiling)
            throw new InvalidOptionException($"{{0}} must be between 1 and {ImageCodec.MaxPixelsCeiling}, got {MaxImagePixels}.",
                $"{nameof(DatasetOptions)}.{nameof(MaxImagePixels)}");
        ClassSelection.CheckRequest(Classes);
    }
}
