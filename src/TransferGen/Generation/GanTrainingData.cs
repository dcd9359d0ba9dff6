using TransferGen.Data;
using TransferGen.Data.Transforms;

namespace TransferGen.Generation;

/// <summary>
/// The training images of a GAN run: the dataset's train split (or its first split), cut down as the options say,
/// scaled to [-1, 1] at the chosen square size.
/// </summary>
public sealed class GanTrainingData
{
    /// <summary>Images a dry run trains on.</summary>
    public const int DryRunImages = 16;

    /// <summary>Batch size of a dry run.</summary>
    public const int DryRunBatchSize = 8;

    /// <summary>Steps per epoch of a dry run.</summary>
    public const int DryRunSteps = 2;

    GanTrainingData(ImageSplit split, IReadOnlyList<string> classes, ImageShape shape, BatchLoader loader, SkippedImages skipped,
        IReadOnlyList<int>? labelsPerClassUsed, bool selectedClasses)
    {
        SelectedClasses = selectedClasses;
        Skipped = skipped;
        LabelsPerClassUsed = labelsPerClassUsed;
        Split = split;
        Classes = classes;
        Shape = shape;
        Loader = loader;
    }

    /// <summary>The training images (after subsetting).</summary>
    public ImageSplit Split { get; }

    /// <summary>The image files the dataset skipped (what config.json records).</summary>
    public SkippedImages Skipped { get; }

    /// <summary>With <see cref="GanTrainingConfig.LabelsPerClass"/>: the images kept of each class (fewer than asked where a class has fewer).</summary>
    public IReadOnlyList<int>? LabelsPerClassUsed { get; }

    /// <summary>True when the data is some classes of a dataset (<see cref="GanTrainingConfig.Classes"/>), named in <see cref="Classes"/>.</summary>
    public bool SelectedClasses { get; }

    /// <summary>The dataset's class names.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The shape the networks see.</summary>
    public ImageShape Shape { get; }

    /// <summary>The shuffling loader (drops the last incomplete batch).</summary>
    public BatchLoader Loader { get; }

    /// <summary>Training steps per epoch.</summary>
    public int StepsPerEpoch(GanTrainingConfig config) => config.DryRun ? Math.Min(DryRunSteps, Loader.BatchCount) : Loader.BatchCount;

    /// <summary>
    /// The image side used for <paramref name="shape"/> when none is asked for: 64 for square 64-px data, otherwise 32.
    /// 28-px data (MNIST, Fashion-MNIST) is resized to 32 rather than trained at 28: the 28-px layout has one
    /// upsampling fewer (7→14→28), and on 6,000 Fashion-MNIST images its samples after 3–5 epochs were still noisy
    /// textures where the 32-px DCGAN (4→8→16→32) already drew recognisable garments.
    /// </summary>
    public static int DefaultImageSize(ImageShape shape) =>
        shape.Height == shape.Width && shape.Height == 64 ? 64 : 32;

    /// <summary>Loads and prepares the data of <paramref name="config"/> (its <see cref="GanTrainingConfig.Data"/> spec).</summary>
    public static GanTrainingData Load(GanTrainingConfig config)
    {
        if (string.IsNullOrWhiteSpace(config.Data)) throw new InvalidOptionException("No dataset given: set {0}.", nameof(GanTrainingConfig.Data));
        return From(DatasetResolver.Load(config.Data, config.ToDatasetOptions()), config);
    }

    /// <summary>
    /// A sentence naming the classes that have fewer images than <see cref="GanTrainingConfig.LabelsPerClass"/> asks for
    /// in the split <see cref="From"/> trains on; null when none has (or no such option is set).
    /// </summary>
    public static string? LabelsWarning(ImageDataset dataset, GanTrainingConfig config)
    {
        if (config.LabelsPerClass is not int k) return null;
        dataset = Selected(dataset, config);
        return Subsampling.ShortClassesWarning(TrainSplit(dataset), k, dataset.Classes);
    }

    // The classes config.Classes names, unless the dataset was loaded with them already (config.ToDatasetOptions()).
    static ImageDataset Selected(ImageDataset dataset, GanTrainingConfig config) =>
        dataset.SelectedClasses is null ? ClassSelection.Apply(dataset, config.Classes, $"{nameof(GanTrainingConfig)}.{nameof(GanTrainingConfig.Classes)}") : dataset;

    static ImageSplit TrainSplit(ImageDataset dataset) => dataset.HasSplit("train") ? dataset["train"] : dataset.Splits[0];

    /// <summary>
    /// Prepares <paramref name="dataset"/> as <paramref name="config"/> says (its train split, or its first), keeping only
    /// the classes of <see cref="GanTrainingConfig.Classes"/> unless the dataset is a class selection already.
    /// </summary>
    public static GanTrainingData From(ImageDataset dataset, GanTrainingConfig config)
    {
        dataset = Selected(dataset, config);
        var name = config.Data is { Length: > 0 } spec ? spec : dataset.Source;
        var split = TrainSplit(dataset);
        var used = config.LabelsPerClass is int k ? Subsampling.PerClassCounts(split, k, dataset.Classes.Count) : null;
        if (config.LabelsPerClass is int perClass) split = Subsampling.PerClass(split, perClass, config.Seed);
        var max = config.DryRun ? Math.Min(DryRunImages, config.MaxImages ?? DryRunImages) : config.MaxImages;
        if (max is int n && n < split.Count)
        {
            // A seeded random subset (kept in split order), so a small run still sees every class.
            var order = DataRandom.ShuffledOrder(split.Count, config.Seed, epoch: -1);
            split = split.Subset(order.Take(n).Order().ToArray());
        }

        var size = config.ImageSize ?? DefaultImageSize(split.Shape);
        var shape = new ImageShape(split.Shape.Channels, size, size);
        var batchSize = Math.Min(config.DryRun ? DryRunBatchSize : config.BatchSize, split.Count);
        if (batchSize < 2) throw new InputException($"{name}: a GAN needs at least 2 training images (got {split.Count}).");
        // [0, 1] → [-1, 1], the range of the generator's tanh.
        var transform = new Compose(new ToFloat(), new Resize(size, size), new Normalize([0.5], [0.5]));
        var loader = new BatchLoader(split, transform, new BatchLoaderOptions
        {
            BatchSize = batchSize,
            Shuffle = true,
            Seed = config.Seed,
            // Equal batches: the fake batch matches the real one, and BatchNorm never sees a batch of one.
            DropLast = true,
        });
        return new GanTrainingData(split, dataset.Classes, shape, loader, SkippedImages.Of(dataset), used, dataset.SelectedClasses is not null);
    }
}
