using TransferGen.Imaging;

namespace TransferGen.Data;

/// <summary>
/// Reads an image folder: <c>ROOT/CLASS/…/*.png|jpg|jpeg|bmp|webp</c> (extensions in any case, subfolders of a class
/// included). Classes are the subfolder names in ordinal order, unless ROOT holds a <see cref="ClassNamesFile"/>
/// (<c>classes.json</c>, written by <c>gan sample</c>): then its class names and label order, each class read from its
/// listed folder. When ROOT holds <c>train</c> and <c>test</c> (or
/// <c>val</c>) folders, each is a split and the classes are the union of their class folders (a class may be absent
/// from a split); otherwise all images form one pool, split into train and test class by class with a seed.
/// </summary>
/// <remarks>
/// <para>Files with other extensions, and hidden files and folders (name starting with a dot), are ignored silently.
/// Every image file is decoded once at load time, in parallel, and the pixels dropped, so that files that cannot be
/// used are found up front rather than in the middle of a run: files that are not images, are cut short or corrupt
/// (even after a whole header), or whose header claims more than <see cref="DatasetOptions.MaxImagePixels"/> pixels.
/// By default they are skipped and listed in <see cref="ImageDataset.Skipped"/>; with <see cref="DatasetOptions.Strict"/>
/// the first one is an <see cref="InputException"/>. A file that changes after loading is an
/// <see cref="InputException"/> naming it when it is read.</para>
/// <para>Links: a link to a file is read as that file, under the class of the folder the link is in. A link to a
/// folder is never followed (listed in <see cref="ImageDataset.IgnoredFolderLinks"/>): <c>a/loop -> ..</c> would
/// otherwise count every class's images again under class a, and a link to another class's folder would label its
/// images twice.</para>
/// <para>Channels: 1 when the header of every readable image says 8-bit gray, else 3 (RGB; alpha composited on
/// black). Shape is the most common height × width (the first met, in file order, on a tie); images keep their own
/// size when read, and <see cref="ImageSplit.UniformShape"/> is false when sizes differ. Shape and UniformShape
/// describe the whole folder, so all splits agree.</para>
/// </remarks>
internal static class ImageFolderReader
{
    /// <summary>File extensions read as images (compared without regard to case).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".webp"];

    static readonly string[] SplitFolders = ["train", "test", "val"];

    /// <summary>How folders are listed: hidden and system entries skipped, unreadable ones ignored.</summary>
    internal static readonly EnumerationOptions Visible = new()
    {
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        IgnoreInaccessible = true,
    };

    /// <summary>Loads the image folder at <paramref name="root"/>; see the class remarks for the rules.</summary>
    public static ImageDataset Load(string root, DatasetOptions? options = null)
    {
        options ??= new DatasetOptions();
        options.Validate();
        if (!Directory.Exists(root)) throw new InputException($"{root}: no such folder.");

        var links = new SortedSet<string>(StringComparer.Ordinal);
        var sources = SplitSources(root, links);
        // Candidate files per split, per class folder name, each sorted so the dataset is the same on every machine.
        var found = sources.Select(s => (s.Name, Classes: FindClasses(s.Folder, root, links))).ToList();
        var folderNames = found.SelectMany(f => f.Classes.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        var named = ClassNamesFile.Read(root);
        if (named is not null && folderNames.FirstOrDefault(f => !named.Folders.Contains(f)) is { } stray)
            throw new InputException($"{Path.Combine(root, ClassNamesFile.FileName)} lists no class for the folder '{stray}'; add it or remove the file.");
        // Labels index the class list: the file's order, or the folders' ordinal order.
        var folders = named?.Folders.ToArray() ?? folderNames;
        var classes = named?.Classes.ToArray() ?? folderNames;

        var entries = new List<(int Split, string File, int Label)>();
        for (var s = 0; s < found.Count; s++)
            foreach (var (folderName, files) in found[s].Classes.OrderBy(c => Array.IndexOf(folders, c.Key)))
                entries.AddRange(files.Select(f => (s, f, Array.IndexOf(folders, folderName))));

        var checks = CheckImages(entries.Select(e => e.File).ToArray(), options.MaxImagePixels);
        var bad = Enumerable.Range(0, entries.Count).Where(i => !checks[i].Ok).ToList();
        if (options.Strict && bad.Count > 0) throw StrictFailure(entries[bad[0]].File, checks[bad[0]]);
        var good = Enumerable.Range(0, entries.Count).Where(i => checks[i].Ok).ToList();
        if (good.Count == 0)
            throw new InputException($"{root}: none of its {entries.Count} image files could be read " +
                                     $"(the first, {entries[0].File}: {checks[0].Problem}).");

        var (shape, uniform) = CommonShape(good.Select(i => checks[i].Header).ToList());
        var splits = new List<ImageSplit>();
        for (var s = 0; s < found.Count; s++)
        {
            var mine = good.Where(i => entries[i].Split == s).ToList();
            splits.Add(new FileImageSplit(found[s].Name, mine.Select(i => entries[i].File).ToList(),
                mine.Select(i => entries[i].Label).ToList(), shape, uniform, options.MaxImagePixels));
        }

        if (sources.Count == 1 && sources[0].Name == "all")
        {
            if (options.TestFraction == 0)
                splits = [splits[0].Subset(Enumerable.Range(0, splits[0].Count).ToList(), "train")];
            else
            {
                var (train, test) = Subsampling.StratifiedSplit(splits[0], options.TestFraction, options.Seed);
                splits = [train, test];
            }
        }
        return new ImageDataset("imagefolder", root, classes, DatasetOrder.Splits(splits))
        {
            Skipped = bad.Select(i => new SkippedImage(entries[i].File, checks[i].Problem!)).ToList(),
            ImageFiles = entries.Count,
            IgnoredFolderLinks = links.ToList(),
            MaxImagePixels = options.MaxImagePixels,
        };
    }

    /// <summary>The error strict mode raises for the first file it cannot use.</summary>
    internal static InputException StrictFailure(string file, ImageCheck check) => check.OverPixelLimit
        ? new InvalidOptionException(
            $"{file}: {check.Problem}".Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)
            + "; raise {0} to read it (strict mode stops at the first image it cannot use).",
            $"{nameof(DatasetOptions)}.{nameof(DatasetOptions.MaxImagePixels)}")
        : new InputException($"{file} is not a readable image: {check.Problem} (strict mode stops at the first such file).");

    // ROOT/train + ROOT/test|val become named splits; anything else makes ROOT one pool called "all".
    static List<(string Name, string Folder)> SplitSources(string root, ISet<string> links)
    {
        var named = Folders(root, links)
            .Select(d => (Name: Path.GetFileName(d).ToLowerInvariant(), Folder: d))
            .Where(d => SplitFolders.Contains(d.Name))
            .OrderBy(d => d.Folder, StringComparer.Ordinal)
            .DistinctBy(d => d.Name)
            .ToList();
        return named.Any(d => d.Name == "train") && named.Any(d => d.Name != "train")
            ? named
            : [("all", root)];
    }

    static Dictionary<string, string[]> FindClasses(string folder, string root, ISet<string> links)
    {
        var classes = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var classFolder in Folders(folder, links))
        {
            var linksBefore = links.Count;
            var files = ImageFilesUnder(classFolder, links).Order(StringComparer.Ordinal).ToArray();
            if (files.Length == 0)
                throw new InputException($"{classFolder}: empty class folder (no {string.Join(", ", Extensions)} files" +
                                         (links.Count > linksBefore ? "; the links to folders in it are not followed)." : ")."));
            classes[Path.GetFileName(classFolder)] = files;
        }
        if (classes.Count > 0) return classes;

        var loose = Directory.EnumerateFiles(folder, "*", Visible).Any(IsImageFile);
        throw new InputException(loose
            ? $"{folder}: the images lie directly in this folder, but an image folder needs one subfolder per class."
            : folder == root
                ? $"{folder}: no class folders with images (expected {Path.Combine(folder, "CLASS")}/*.png, .jpg, ...)."
                : $"{folder}: this split folder has no class folders with images.");
    }

    /// <summary>True when the file's extension is one of <see cref="Extensions"/>.</summary>
    internal static bool IsImageFile(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>The visible subfolders of a folder that are real folders; links to folders go to <paramref name="links"/> instead.</summary>
    internal static IEnumerable<string> Folders(string parent, ISet<string> links)
    {
        foreach (var folder in Directory.EnumerateDirectories(parent, "*", Visible))
        {
            if (new DirectoryInfo(folder).LinkTarget is null) yield return folder;
            else links.Add(folder);
        }
    }

    /// <summary>The image files in a class folder and its real subfolders, at any depth; a link to a folder is noted, not entered.</summary>
    internal static IEnumerable<string> ImageFilesUnder(string folder, ISet<string> links)
    {
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var current))
        {
            foreach (var file in Directory.EnumerateFiles(current, "*", Visible))
                if (IsImageFile(file)) yield return file;
            foreach (var sub in Folders(current, links)) pending.Push(sub);
        }
    }

    /// <summary>Checks every file by decoding it (in parallel: decoding is most of the cost), results in file order.</summary>
    internal static ImageCheck[] CheckImages(string[] files, long maxPixels)
    {
        var checks = new ImageCheck[files.Length];
        Parallel.For(0, files.Length, i => checks[i] = ImageCodec.Check(files[i], maxPixels));
        return checks;
    }

    /// <summary>The folder's shape (see the class remarks) and whether every image has it.</summary>
    internal static (ImageShape Shape, bool Uniform) CommonShape(IReadOnlyList<ImageHeader> headers)
    {
        var channels = headers.All(h => h.Grayscale) ? 1 : 3;
        var sizes = headers.Select(h => (h.Height, h.Width)).ToList();
        // GroupBy keeps first-seen order, and MaxBy returns the first maximum, so ties go to the earliest file.
        var (height, width) = sizes.GroupBy(s => s).MaxBy(g => g.Count())!.Key;
        return (new ImageShape(channels, height, width), sizes.All(s => s == (height, width)));
    }
}
