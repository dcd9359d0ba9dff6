using TransferGen.Imaging;

namespace TransferGen.Data;

/// <summary>
/// Reads an image folder: <c>ROOT/CLASS/…/*.png|jpg|jpeg|bmp|webp</c> (extensions in any case, subfolders of a class
/// included). Classes are the subfolder names in ordinal order. When ROOT holds <c>train</c> and <c>test</c> (or
/// <c>val</c>) folders, each is a split and the classes are the union of their class folders (a class may be absent
/// from a split); otherwise all images form one pool, split into train and test class by class with a seed.
/// </summary>
/// <remarks>
/// <para>Files with other extensions, and hidden files and folders (name starting with a dot), are ignored silently.
/// Every image file's header is opened at load time (no pixels decoded) so that files that are not images are found
/// up front: by default they are skipped and counted in <see cref="ImageDataset.SkippedFiles"/>; with
/// <see cref="DatasetOptions.Strict"/> the first one is an <see cref="InputException"/>. A file whose header is fine
/// but whose pixels are cut short is found only when read, and is then always an <see cref="InputException"/>.</para>
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

    static readonly EnumerationOptions Visible = new()
    {
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        IgnoreInaccessible = true,
    };

    static readonly EnumerationOptions VisibleRecursive = new()
    {
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        IgnoreInaccessible = true,
        RecurseSubdirectories = true,
    };

    /// <summary>Loads the image folder at <paramref name="root"/>; see the class remarks for the rules.</summary>
    public static ImageDataset Load(string root, DatasetOptions? options = null)
    {
        options ??= new DatasetOptions();
        options.Validate();
        if (!Directory.Exists(root)) throw new InputException($"{root}: no such folder.");

        var sources = SplitSources(root);
        // Candidate files per split, per class folder name, each sorted so the dataset is the same on every machine.
        var found = sources.Select(s => (s.Name, Classes: FindClasses(s.Folder, root))).ToList();
        var classes = found.SelectMany(f => f.Classes.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();

        var entries = new List<(int Split, string File, int Label)>();
        for (var s = 0; s < found.Count; s++)
            foreach (var (className, files) in found[s].Classes.OrderBy(c => c.Key, StringComparer.Ordinal))
                entries.AddRange(files.Select(f => (s, f, Array.IndexOf(classes, className))));

        var headers = ReadHeaders(entries.Select(e => e.File).ToArray());
        var bad = Enumerable.Range(0, entries.Count).Where(i => headers[i] is null).ToList();
        if (options.Strict && bad.Count > 0)
            throw new InputException($"{entries[bad[0]].File} is not a readable image (strict mode stops at the first such file).");
        var good = Enumerable.Range(0, entries.Count).Where(i => headers[i] is not null).ToList();
        if (good.Count == 0)
            throw new InputException($"{root}: none of its {entries.Count} image files could be read.");

        var (shape, uniform) = CommonShape(good.Select(i => headers[i]!.Value).ToList());
        var splits = new List<ImageSplit>();
        for (var s = 0; s < found.Count; s++)
        {
            var mine = good.Where(i => entries[i].Split == s).ToList();
            splits.Add(new FileImageSplit(found[s].Name, mine.Select(i => entries[i].File).ToList(),
                mine.Select(i => entries[i].Label).ToList(), shape, uniform));
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
        return new ImageDataset("imagefolder", root, classes, DatasetOrder.Splits(splits), bad.Count);
    }

    // ROOT/train + ROOT/test|val become named splits; anything else makes ROOT one pool called "all".
    static List<(string Name, string Folder)> SplitSources(string root)
    {
        var named = Directory.EnumerateDirectories(root, "*", Visible)
            .Select(d => (Name: Path.GetFileName(d).ToLowerInvariant(), Folder: d))
            .Where(d => SplitFolders.Contains(d.Name))
            .OrderBy(d => d.Folder, StringComparer.Ordinal)
            .DistinctBy(d => d.Name)
            .ToList();
        return named.Any(d => d.Name == "train") && named.Any(d => d.Name != "train")
            ? named
            : [("all", root)];
    }

    static Dictionary<string, string[]> FindClasses(string folder, string root)
    {
        var classes = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var classFolder in Directory.EnumerateDirectories(folder, "*", Visible))
        {
            var files = Directory.EnumerateFiles(classFolder, "*", VisibleRecursive)
                .Where(IsImageFile)
                .Order(StringComparer.Ordinal)
                .ToArray();
            if (files.Length == 0)
                throw new InputException($"{classFolder}: empty class folder (no {string.Join(", ", Extensions)} files).");
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

    static bool IsImageFile(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    // Header checks touch one small part of each file; doing them in parallel hides the file-system latency.
    static ImageHeader?[] ReadHeaders(string[] files)
    {
        var headers = new ImageHeader?[files.Length];
        Parallel.For(0, files.Length, i =>
        {
            if (ImageCodec.TryReadHeader(files[i], out var header)) headers[i] = header;
        });
        return headers;
    }

    static (ImageShape Shape, bool Uniform) CommonShape(IReadOnlyList<ImageHeader> headers)
    {
        var channels = headers.All(h => h.Grayscale) ? 1 : 3;
        var sizes = headers.Select(h => (h.Height, h.Width)).ToList();
        // GroupBy keeps first-seen order, and MaxBy returns the first maximum, so ties go to the earliest file.
        var (height, width) = sizes.GroupBy(s => s).MaxBy(g => g.Count())!.Key;
        return (new ImageShape(channels, height, width), sizes.All(s => s == (height, width)));
    }
}
