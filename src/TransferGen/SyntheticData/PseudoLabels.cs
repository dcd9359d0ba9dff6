using TransferGen.Data;
using TransferGen.Transfer;

namespace TransferGen.SyntheticData;

/// <summary>What <see cref="PseudoLabels.Label"/> chose and how it labelled them.</summary>
/// <param name="Split">The chosen images with the classifier's labels (a view of the training split).</param>
/// <param name="Accuracy">
/// The share of those labels that equal the data's own (a diagnostic read after labelling, so a report can say how
/// noisy the GAN's labels were; nothing trains on it). NaN when no image was chosen.
/// </param>
public sealed record PseudoLabelledSet(ImageSplit Split, double Accuracy);

/// <summary>
/// Training images outside the labelled few, labelled by a classifier trained on those few: more images for a
/// conditional GAN than the K labels per class, without more labels.
/// </summary>
public static class PseudoLabels
{
    /// <summary>
    /// Chooses up to <paramref name="count"/> images of <paramref name="train"/> that are not in
    /// <paramref name="labelled"/> (a seeded choice, kept in split order) and labels each with
    /// <paramref name="classifier"/>'s most likely class.
    /// </summary>
    /// <param name="train">The whole training split.</param>
    /// <param name="labelled">Indices into <paramref name="train"/> of the labelled images (and any validation carved from them), never chosen.</param>
    /// <param name="count">Images wanted; when fewer are left, all of them are taken.</param>
    /// <param name="classifier">A classifier over the split's classes, in the same order.</param>
    /// <param name="seed">Seed of the choice.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    public static PseudoLabelledSet Label(ImageSplit train, IEnumerable<int> labelled, int count, ImageClassifier classifier, int seed,
        int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(labelled);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var chosen = Choose(train.Count, labelled, count, seed);
        var view = train.Subset(chosen);
        if (chosen.Length == 0) return new PseudoLabelledSet(view, double.NaN);

        using var result = Evaluator.Run(classifier.Network, view, classifier.Transform, batchSize, classifier.Device);
        using var predicted = result.Logits.argmax(1);
        var labels = predicted.data<long>().Select(l => (int)l).ToArray();
        var right = labels.Where((label, i) => label == view.Labels[i]).Count();
        return new PseudoLabelledSet(new SubsetSplit(train, chosen, train.Name, labels), (double)right / labels.Length);
    }

    /// <summary>Up to <paramref name="count"/> of the indices 0..<paramref name="total"/>−1 outside <paramref name="excluded"/>: a seeded choice, sorted.</summary>
    internal static int[] Choose(int total, IEnumerable<int> excluded, int count, int seed)
    {
        var skip = excluded.ToHashSet();
        var rest = Enumerable.Range(0, total).Where(i => !skip.Contains(i)).ToArray();
        DataRandom.Shuffle(DataRandom.ForSubset(seed), rest);
        return [.. rest.Take(count).Order()];
    }
}
