namespace TransferGen.Data;

/// <summary>
/// Reads a flat folder of images (<c>ROOT/*.png|jpg|jpeg|bmp|webp</c>, no class subfolders), as pytorch-fid takes
/// them, as one unlabelled split called "all". Only commands that need no labels (FID/KID) read it, through
/// <see cref="DatasetResolver.LoadImageSet"/>: to the readers of labelled data it stays an image folder without
/// class folders, which they refuse.
/// </summary>
/// <remarks>
/// Files are found, checked and decoded as <see cref="ImageFolderReader"/> does: hidden files and other extensions are
/// ignored, links to files are read, links to folders are not followed, and files that cannot be used are skipped
/// and listed in <see cref="ImageDataset.Skipped"/> (the first is an <see cref="InputException"/> with
/// <see cref="DatasetOptions.Strict"/>).
/// </remarks>
internal static class FlatImageFolder
{
    /// <summary>The <see cref="ImageDataset.Format"/> of a flat folder.</summary>
    public const string Format = "flat image folder";

    /// <summary>The one class every image of a flat folder is labelled with (labels must index a class list).</summary>
    public const string UnlabelledClass = "unlabelled";

    /// <summary>The image files directly in <paramref name="folder"/> (not in its subfolders), in ordinal order.</summary>
    public static string[] LooseImages(string folder) =>
        Directory.EnumerateFiles(folder, "*", ImageFolderReader.Visible)
            .Where(ImageFolderReader.IsImageFile)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The first real subfolder of <paramref name="folder"/> that holds image files at any depth; null when none does.</summary>
    public static string? FirstImageSubfolder(string folder)
    {
        var links = new HashSet<string>(StringComparer.Ordinal);
        return ImageFolderReader.Folders(folder, links)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault(sub => ImageFolderReader.ImageFilesUnder(sub, links).Any());
    }

    /// <summary>Loads the flat folder at <paramref name="root"/>; see the class remarks for the rules.</summary>
    public static ImageDataset Load(string root, DatasetOptions? options = null)
    {
        options ??= new DatasetOptions();
        options.Validate();
        if (!Directory.Exists(root)) throw new InputException($"{root}: no such folder.");
        var files = LooseImages(root);
        if (files.Length == 0)
            throw new InputException($"{root}: no image files ({string.Join(", ", ImageFolderReader.Extensions)}) directly in this folder.");

        var checks = ImageFolderReader.CheckImages(files, options.MaxImagePixels);
        var bad = Enumerable.Range(0, files.Length).Where(i => !checks[i].Ok).ToList();
        if (options.Strict && bad.Count > 0) throw ImageFolderReader.StrictFailure(files[bad[0]], checks[bad[0]]);
        var good = Enumerable.Range(0, files.Length).Where(i => checks[i].Ok).ToList();
        if (good.Count == 0)
            throw new InputException($"{root}: none of its {files.Length} image files could be read (the first, {files[0]}: {checks[0].Problem}).");

        var (shape, uniform) = ImageFolderReader.CommonShape(good.Select(i => checks[i].Header).ToList());
        var split = new FileImageSplit("all", good.Select(i => files[i]).ToList(), new int[good.Count], shape, uniform, options.MaxImagePixels);
        var links = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var _ in ImageFolderReader.Folders(root, links)) { }   // only the folder links, for the warning
        return new ImageDataset(Format, root, [UnlabelledClass], [split])
        {
            Skipped = bad.Select(i => new SkippedImage(files[i], checks[i].Problem!)).ToList(),
            ImageFiles = files.Length,
            IgnoredFolderLinks = links.ToList(),
            MaxImagePixels = options.MaxImagePixels,
        };
    }
}
