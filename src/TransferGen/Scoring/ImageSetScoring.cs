using TransferGen.Data;
using TransferGen.Data.Transforms;
using TransferGen.Imaging;
using TransferGen.Metrics;
using static TorchSharp.torch;

namespace TransferGen.Scoring;

/// <summary>One side of a comparison: which images were used.</summary>
/// <param name="Source">The dataset spec, folder or run.</param>
/// <param name="Split">The split used ("test", "train", or "generated").</param>
/// <param name="Count">Images used.</param>
/// <param name="FeaturesFromCache">True when the set's features were read from a <see cref="FeatureStore"/>.</param>
public sealed record ImageSetSide(string Source, string Split, long Count, bool FeaturesFromCache = false);

/// <summary>
/// FID and KID between two image sets, with the mode every score must carry: feature network, resize, sample
/// counts and splits. Values are comparable only when all of these agree, and never with Inception-based FIDs
/// in papers.
/// </summary>
/// <param name="Fid">Fréchet distance.</param>
/// <param name="Kid">KID mean over subsets.</param>
/// <param name="KidStd">KID standard deviation over subsets.</param>
/// <param name="KidSubsets">KID subsets.</param>
/// <param name="KidSubsetSize">KID subset size.</param>
/// <param name="A">First set.</param>
/// <param name="B">Second set.</param>
/// <param name="Features">Feature network name.</param>
/// <param name="FeatureDim">Feature dimension.</param>
/// <param name="InputSize">Side both sets were resized to.</param>
/// <param name="ResizeFilter">The resize filter.</param>
/// <param name="Precision">Share of the compared set inside the reference set's manifold (k-NN balls; fidelity); null
/// when a side has k images or fewer.</param>
/// <param name="Recall">Share of the reference set inside the compared set's manifold (diversity); null like
/// <paramref name="Precision"/>.</param>
/// <param name="NearestNeighbour">The k of precision and recall.</param>
/// <param name="Reference">The side that is the real reference for precision and recall.</param>
public sealed record ImageSetScores(double Fid, double Kid, double KidStd, int KidSubsets, int KidSubsetSize,
    ImageSetSide A, ImageSetSide B, string Features, int FeatureDim, int InputSize, string ResizeFilter,
    double? Precision, double? Recall, int NearestNeighbour, ReferenceSide Reference)
{
    /// <summary>The caveat every report prints.</summary>
    public const string Caveat = "FID/KID values are only comparable with scores from the same feature network, resize and sample counts; they are not comparable with the Inception-based FIDs reported in papers.";
}

/// <summary>Which side of a comparison is the real reference (FID and KID are symmetric; precision and recall are not).</summary>
public enum ReferenceSide
{
    /// <summary>The first set is the reference.</summary>
    A,
    /// <summary>The second set is the reference.</summary>
    B,
}

/// <summary>Loads image sets for FID/KID and scores them through a <see cref="FeatureNetwork"/>.</summary>
public static class ImageSetScoring
{
    const int BatchSize = 64;

    /// <summary>
    /// The images of <paramref name="spec"/> to compare: the test split if the dataset has one, else its first split
    /// (a plain folder is read whole, not split), cut to a seeded random <paramref name="n"/> when given. A flat folder of
    /// images (no class subfolders) is one split "all" (<see cref="DatasetResolver.LoadImageSet"/>).
    /// </summary>
    /// <param name="spec">A builtin name, a dataset folder or a flat folder of images.</param>
    /// <param name="n">How many images at most; all when null.</param>
    /// <param name="seed">Seed of the subset.</param>
    /// <param name="preferredSplit">The split to use when the dataset has it.</param>
    /// <param name="maxImagePixels">The pixel limit of an ImageFolder's files (<see cref="DatasetOptions.MaxImagePixels"/>).</param>
    /// <param name="classes">Only these classes (<see cref="ClassSelection"/>), before the subset is drawn; all when null.</param>
    /// <param name="classesOption">The option <paramref name="classes"/> came from, as an error names it.</param>
    public static (ImageSplit Split, ImageDataset Dataset) Load(string spec, int? n, int seed, string preferredSplit = "test",
        long maxImagePixels = ImageCodec.DefaultMaxPixels, IReadOnlyList<string>? classes = null,
        string classesOption = nameof(DatasetOptions) + "." + nameof(DatasetOptions.Classes))
    {
        var loaded = DatasetResolver.LoadImageSet(spec, new DatasetOptions { TestFraction = 0, Seed = seed, MaxImagePixels = maxImagePixels });
        if (classes is not null && loaded.Format == FlatImageFolder.Format)
            throw new InvalidOptionException($"{{0}} selects classes, but {Escaped(spec)} is a flat folder of images without classes.", classesOption);
        var dataset = ClassSelection.Apply(loaded, classes, classesOption);
        var split = dataset.HasSplit(preferredSplit) ? dataset[preferredSplit] : dataset.Splits[0];
        return (Limit(split, n, seed), dataset);
    }

    static string Escaped(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    /// <summary>A seeded random subset of <paramref name="n"/> images (in split order), or the split itself.</summary>
    public static ImageSplit Limit(ImageSplit split, int? n, int seed)
    {
        if (n is not int max || max >= split.Count) return split;
        var order = DataRandom.ShuffledOrder(split.Count, seed, epoch: -2);
        return split.Subset(order.Take(max).Order().ToArray());
    }

    /// <summary>
    /// The split's images as float [B, C, S, S] in [0, 1], resized to <paramref name="inputSize"/>; each batch is freed
    /// when the consumer asks for the next.
    /// </summary>
    public static IEnumerable<Tensor> Batches(ImageSplit split, int inputSize) =>
        BatchInference.Images(split, new Compose(new ToFloat(), new Resize(inputSize, inputSize)), BatchSize);

    /// <summary>Batches float [B, C, H, W] in [0, 1] resized to <paramref name="inputSize"/> (the originals are disposed).</summary>
    public static IEnumerable<Tensor> Resized(IEnumerable<Tensor> batches, int inputSize)
    {
        var resize = new Resize(inputSize, inputSize);
        var rng = new Random(0);   // Resize draws nothing; the interface wants a generator
        foreach (var batch in batches)
            using (batch)
                yield return resize.Apply(batch, rng);
    }

    /// <summary>Extracts features of both sets and computes FID and KID.</summary>
    /// <param name="network">The feature network (its input size should match how the batches were resized).</param>
    /// <param name="extractor">The network's extractor, built once by the caller.</param>
    /// <param name="a">First set's batches.</param>
    /// <param name="sideA">What the first set is.</param>
    /// <param name="b">Second set's batches.</param>
    /// <param name="sideB">What the second set is.</param>
    /// <param name="kidSubsets">KID subsets.</param>
    /// <param name="seed">Seed of the KID subsets.</param>
    /// <param name="reference">The real side, for precision and recall.</param>
    public static ImageSetScores Score(FeatureNetwork network, IFeatureExtractor extractor,
        IEnumerable<Tensor> a, ImageSetSide sideA, IEnumerable<Tensor> b, ImageSetSide sideB, int kidSubsets = 100, int seed = 0,
        ReferenceSide reference = ReferenceSide.A)
    {
        using var fa = FeatureExtraction.Collect(extractor, a);
        using var fb = FeatureExtraction.Collect(extractor, b);
        return Score(network, fa, sideA, fb, sideB, kidSubsets, seed, reference);
    }

    /// <summary>Computes FID, KID and precision/recall from both sets' features (float32 [N, D], the same D).</summary>
    /// <param name="network">The feature network the features came from, for the report.</param>
    /// <param name="fa">First set's features.</param>
    /// <param name="sideA">What the first set is.</param>
    /// <param name="fb">Second set's features.</param>
    /// <param name="sideB">What the second set is.</param>
    /// <param name="kidSubsets">KID subsets.</param>
    /// <param name="seed">Seed of the KID subsets.</param>
    /// <param name="reference">The real side, for precision and recall.</param>
    public static ImageSetScores Score(FeatureNetwork network, Tensor fa, ImageSetSide sideA, Tensor fb, ImageSetSide sideB,
        int kidSubsets = 100, int seed = 0, ReferenceSide reference = ReferenceSide.A)
    {
        ArgumentNullException.ThrowIfNull(fa);
        ArgumentNullException.ThrowIfNull(fb);
        if (fa.shape[0] < 2 || fb.shape[0] < 2)
            throw new InputException($"FID needs at least 2 images on each side (got {fa.shape[0]} from {sideA.Source} and {fb.shape[0]} from {sideB.Source}).");
        var fid = Fid.Compute(fa, fb);
        var kid = Kid.Compute(fa, fb, kidSubsets, seed: seed);
        PrecisionRecallResult? pr = Math.Min(fa.shape[0], fb.shape[0]) <= PrecisionRecall.DefaultK ? null
            : reference == ReferenceSide.A ? PrecisionRecall.Compute(fa, fb) : PrecisionRecall.Compute(fb, fa);
        return new ImageSetScores(fid, kid.Mean, kid.Std, kid.Subsets, kid.SubsetSize,
            sideA with { Count = fa.shape[0] }, sideB with { Count = fb.shape[0] },
            network.Name, (int)fa.shape[1], network.InputSize, network.ResizeFilter, pr?.Precision, pr?.Recall, PrecisionRecall.DefaultK, reference);
    }
}
