using System.Globalization;

namespace TransferGen.Data;

/// <summary>
/// Keeps some classes of a dataset (<c>--classes 5,6,7,8,9</c>): only their images, relabelled 0..k−1 in the order
/// given, under their original names, so a model trained on classes 5–9 of Fashion-MNIST has 5 classes named Sandal,
/// Shirt, Sneaker, Bag and Ankle boot. A class is named by its name or by its index in the full dataset; a name wins
/// where both fit (a folder named "3" is the class named "3", whatever its index).
/// </summary>
public static class ClassSelection
{
    const int Listed = 20;

    /// <summary>
    /// The entries of a comma list ("5,6,7" or "Sandal, Shirt"), trimmed; an <see cref="InvalidOptionException"/> about
    /// <paramref name="option"/> for an empty list or entry. Names that hold a comma must be given by index.
    /// </summary>
    public static IReadOnlyList<string> Parse(string list, string option = Option)
    {
        ArgumentNullException.ThrowIfNull(list);
        var entries = list.Split(',').Select(e => e.Trim()).ToList();
        CheckRequest(entries, option);
        return entries;
    }

    /// <summary>
    /// Checks a selection before any data is read: at least one entry, none empty, none given twice; an
    /// <see cref="InvalidOptionException"/> about <paramref name="option"/> otherwise. Null (all classes) passes.
    /// </summary>
    public static void CheckRequest(IReadOnlyList<string>? classes, string option = Option)
    {
        if (classes is null) return;
        if (classes.Count == 0) throw new InvalidOptionException("{0} names no class; give at least one (an index or a name).", option);
        if (classes.Any(string.IsNullOrWhiteSpace))
            throw new InvalidOptionException($"{{0}} has an empty entry ('{Escaped(string.Join(",", classes))}'); give class indices or names separated by commas.", option);
        var twice = classes.GroupBy(c => c.Trim(), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InvalidOptionException($"{{0}} names the class '{Escaped(twice.Key)}' twice.", option);
    }

    /// <summary>
    /// The label of each entry of <paramref name="requested"/> among <paramref name="classes"/>: an exact name, else an
    /// index 0..n−1, else a name differing only in case (when just one does). A class the data lacks, or one selected
    /// twice, is an <see cref="InvalidOptionException"/> naming it and listing the classes there are.
    /// </summary>
    /// <param name="classes">The dataset's class names, by label.</param>
    /// <param name="requested">The selection, in the order of the new labels.</param>
    /// <param name="source">The dataset as the message names it.</param>
    /// <param name="option">The option the selection came from ("Type.Property").</param>
    public static int[] Resolve(IReadOnlyList<string> classes, IReadOnlyList<string> requested, string source, string option = Option)
    {
        ArgumentNullException.ThrowIfNull(classes);
        CheckRequest(requested, option);
        var labels = new int[requested.Count];
        for (var j = 0; j < requested.Count; j++)
        {
            var entry = requested[j].Trim();
            var label = Find(classes, entry);
            if (label < 0)
                throw new InvalidOptionException(
                    $"{{0}} names the class '{Escaped(entry)}', which {Escaped(source)} lacks (its classes: {Escaped(Listing(classes))}).", option);
            var earlier = Array.IndexOf(labels, label, 0, j);
            if (earlier >= 0)
                throw new InvalidOptionException(
                    $"{{0}} selects the class '{Escaped(classes[label])}' twice (as '{Escaped(requested[earlier].Trim())}' and '{Escaped(entry)}').", option);
            labels[j] = label;
        }
        return labels;
    }

    /// <summary>
    /// <paramref name="dataset"/> cut down to the classes <paramref name="requested"/> names (see <see cref="Resolve"/>):
    /// every split keeps the images of those classes, in their order, relabelled by their place in the selection; the
    /// dataset keeps its format, source and loading notes, and records the original labels in
    /// <see cref="ImageDataset.SelectedClasses"/>. Null returns the dataset itself.
    /// </summary>
    public static ImageDataset Apply(ImageDataset dataset, IReadOnlyList<string>? requested, string option = Option)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (requested is null) return dataset;
        var labels = Resolve(dataset.Classes, requested, dataset.Source, option);
        var newLabel = Enumerable.Repeat(-1, dataset.Classes.Count).ToArray();
        for (var j = 0; j < labels.Length; j++) newLabel[labels[j]] = j;
        var splits = dataset.Splits.Select(split =>
        {
            var kept = Enumerable.Range(0, split.Count).Where(i => newLabel[split.Labels[i]] >= 0).ToArray();
            return (ImageSplit)new SubsetSplit(split, kept, split.Name, kept.Select(i => newLabel[split.Labels[i]]).ToArray());
        }).ToList();
        return new ImageDataset(dataset.Format, dataset.Source, labels.Select(l => dataset.Classes[l]).ToList(), splits)
        {
            Skipped = dataset.Skipped,
            ImageFiles = dataset.ImageFiles,
            IgnoredFolderLinks = dataset.IgnoredFolderLinks,
            MaxImagePixels = dataset.MaxImagePixels,
            SelectedClasses = labels.Select(l => dataset.SelectedClasses is { } before ? before[l] : l).ToList(),
        };
    }

    /// <summary>
    /// The selection to record for a run on <paramref name="dataset"/>, by name (what an index meant on this data, which
    /// <see cref="Resolve"/> reads back to the same classes): its class names when it is a selection, else null.
    /// </summary>
    public static IReadOnlyList<string>? Recorded(ImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.SelectedClasses is null ? null : dataset.Classes;
    }

    const string Option = nameof(DatasetOptions) + "." + nameof(DatasetOptions.Classes);

    static int Find(IReadOnlyList<string> classes, string entry)
    {
        for (var c = 0; c < classes.Count; c++)
            if (string.Equals(classes[c], entry, StringComparison.Ordinal)) return c;
        if (int.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < classes.Count) return index;
        var folded = Enumerable.Range(0, classes.Count).Where(c => string.Equals(classes[c], entry, StringComparison.OrdinalIgnoreCase)).ToList();
        return folded.Count == 1 ? folded[0] : -1;
    }

    static string Listing(IReadOnlyList<string> classes) =>
        string.Join(", ", classes.Take(Listed).Select((name, c) => $"{c} {name}"))
        + (classes.Count > Listed ? $" and {classes.Count - Listed} more" : "");

    static string Escaped(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}
