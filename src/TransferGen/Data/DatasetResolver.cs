namespace TransferGen.Data;

/// <summary>
/// Turns what the user typed (a builtin name or a path) into a dataset. A folder's format is told from its files:
/// IDX pairs (<c>*-images-idx3-ubyte[.gz]</c>), CIFAR-10 (<c>data_batch_*.bin</c>, <c>test_batch.bin</c>),
/// CIFAR-100 (<c>train.bin</c>, <c>test.bin</c>, <c>fine_label_names.txt</c>), else an image folder.
/// </summary>
/// <remarks>
/// An image folder's files are all decoded once while loading; those that cannot be used (not images, cut short, over
/// <see cref="DatasetOptions.MaxImagePixels"/>) are skipped and listed in <see cref="ImageDataset.Skipped"/>, unless
/// <see cref="DatasetOptions.Strict"/>. Links to files are read; links to folders are not followed, and are listed in
/// <see cref="ImageDataset.IgnoredFolderLinks"/>. <see cref="ImageDataset.Warnings"/> says both in sentences.
/// </remarks>
public static class DatasetResolver
{
    /// <summary>The builtin dataset names.</summary>
    public static IReadOnlyList<string> BuiltinNames { get; } = [FashionMnist.Name];

    /// <summary>
    /// Loads <paramref name="spec"/>: a builtin name (compared without regard to case; to read a folder with the same
    /// name, write it as a path such as <c>./fashion-mnist</c>) or a dataset folder.
    /// Throws <see cref="InputException"/> for a missing path, an unknown name or a bad dataset.
    /// </summary>
    /// <remarks>With <see cref="DatasetOptions.Classes"/>, only those classes are kept (<see cref="ClassSelection.Apply"/>).</remarks>
    public static ImageDataset Load(string spec, DatasetOptions? options = null)
    {
        options ??= new DatasetOptions();
        options.Validate();
        return ClassSelection.Apply(LoadAll(spec, options), options.Classes);
    }

    static ImageDataset LoadAll(string spec, DatasetOptions options)
    {
        if (string.IsNullOrWhiteSpace(spec))
            throw new InputException($"No dataset given; name a folder or one of the builtins: {string.Join(", ", BuiltinNames)}.");
        if (string.Equals(spec, FashionMnist.Name, StringComparison.OrdinalIgnoreCase))
            return FashionMnist.Load(options);

        if (Directory.Exists(spec)) return LoadFolder(spec, options);
        if (File.Exists(spec))
            throw new InputException($"{spec} is a file; give the folder that holds the dataset.");
        if (LooksLikePath(spec))
            throw new InputException($"{spec}: no such file or folder.");
        throw new InputException($"{spec}: no such file or folder, and not a builtin dataset (builtins: {string.Join(", ", BuiltinNames)}).");
    }

    /// <summary>
    /// As <see cref="Load"/>, for commands that need no labels (FID/KID): also takes a flat folder of images, with no
    /// class subfolders (<see cref="FlatImageFolder"/>; one split "all", format <see cref="FlatImageFolder.Format"/>).
    /// A folder holding both loose images and subfolders of images, or no images at all, is an
    /// <see cref="InputException"/> naming it: which images were meant would be a guess.
    /// </summary>
    public static ImageDataset LoadImageSet(string spec, DatasetOptions? options = null)
    {
        options ??= new DatasetOptions();
        // Builtins, files, missing paths and the binary formats (IDX, CIFAR) are Load's, whatever else lies beside them.
        if (string.Equals(spec, FashionMnist.Name, StringComparison.OrdinalIgnoreCase) || !Directory.Exists(spec)
            || DetectFormat(spec) != "imagefolder")
            return Load(spec, options);
        options.Validate();
        var loose = FlatImageFolder.LooseImages(spec);
        var sub = FlatImageFolder.FirstImageSubfolder(spec);
        if (loose.Length > 0 && sub is not null)
            throw new InputException($"{spec} holds both image files ({loose.Length}, e.g. {Path.GetFileName(loose[0])}) and subfolders of images " +
                                     $"(e.g. {Path.GetFileName(sub)}); give either a flat folder of images or an image folder with one subfolder per class.");
        if (loose.Length == 0 && sub is null)
            throw new InputException($"{spec} holds no images: no {string.Join(", ", ImageFolderReader.Extensions)} files, neither directly in it nor in class subfolders.");
        if (loose.Length == 0) return Load(spec, options);
        if (options.Classes is not null)
            throw new InvalidOptionException($"{{0}} selects classes, but {spec.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)} is a flat folder of images without classes.",
                $"{nameof(DatasetOptions)}.{nameof(DatasetOptions.Classes)}");
        return FlatImageFolder.Load(spec, options);
    }

    /// <summary>The format <see cref="Load"/> would read the folder as: "idx", "cifar10", "cifar100" or "imagefolder".</summary>
    public static string DetectFormat(string folder) =>
        IdxFolder.Contains(folder) ? "idx"
        : CifarReader.IsCifar10(folder) ? "cifar10"
        : CifarReader.IsCifar100(folder) ? "cifar100"
        : "imagefolder";

    static ImageDataset LoadFolder(string folder, DatasetOptions options) => DetectFormat(folder) switch
    {
        "idx" => IdxFolder.Load(folder),
        "cifar10" => CifarReader.LoadCifar10(folder),
        "cifar100" => CifarReader.LoadCifar100(folder),
        _ => ImageFolderReader.Load(folder, options),
    };

    static bool LooksLikePath(string spec) =>
        spec.Contains(Path.DirectorySeparatorChar) || spec.Contains(Path.AltDirectorySeparatorChar) || spec.StartsWith('.');
}
