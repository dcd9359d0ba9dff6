using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.SyntheticData;

/// <summary>One seed of a GAN-augmented fine-tune beside its real-only twin.</summary>
/// <param name="Seed">The seed of both fine-tunes and the GAN.</param>
/// <param name="RealOnly">Test accuracy of the fine-tune on the real labelled images alone.</param>
/// <param name="Augmented">Test accuracy of the same fine-tune on real + generated images.</param>
/// <param name="RealOnlySteps">Optimiser steps of the real-only fine-tune.</param>
/// <param name="AugmentedSteps">Optimiser steps of the augmented one.</param>
/// <param name="RealTrainImages">Real training images (the labelled ones less the validation carved from them).</param>
/// <param name="GeneratedDrawn">Images the GAN drew, all classes.</param>
/// <param name="GeneratedKept">Images kept after the confidence filter (all of them without one).</param>
/// <param name="AugmentedTrainImages">Images of one augmented epoch (real and generated, with repeats).</param>
/// <param name="GanSeconds">Seconds the GAN trained.</param>
/// <param name="Seconds">Seconds of the whole seed.</param>
/// <param name="PseudoLabelled">Unlabelled training images the GAN learned from as well (<see cref="GanAugmentationOptions.GanUnlabelled"/>).</param>
/// <param name="PseudoLabelAccuracy">The share of their pseudo-labels that were right; null without them.</param>
public sealed record GanAugmentedSeed(int Seed, double RealOnly, double Augmented, long RealOnlySteps, long AugmentedSteps,
    int RealTrainImages, int GeneratedDrawn, int GeneratedKept, int AugmentedTrainImages, double GanSeconds, double Seconds,
    int PseudoLabelled = 0, double? PseudoLabelAccuracy = null)
{
    /// <summary>Augmented − real-only, in accuracy (negative when the generated images hurt).</summary>
    public double Delta => Augmented - RealOnly;
}

/// <summary>
/// Generated data for a small-label classifier: fine-tune on the K labelled images per class (the baseline), train a
/// class-conditional GAN on the same images, draw images of every class, and fine-tune the same way on real + generated
/// images; both fine-tunes have the same options and seed, and so the same real images, validation and test.
/// </summary>
public static class GanAugmentedFineTune
{
    /// <summary>Folder names inside a seed's folder.</summary>
    public const string RealOnlyFolder = "real-only", GanFolder = "gan", AugmentedFolder = "augmented", SamplesFile = "samples.png";

    /// <summary>Runs one seed; with <paramref name="folder"/> every run keeps its run folder there (real-only/, gan/, augmented/, samples.png).</summary>
    /// <param name="dataset">Labelled data with a "train" and a "test" split.</param>
    /// <param name="options">The options (validated here).</param>
    /// <param name="seed">Seed of the fine-tunes (replacing <see cref="FineTuneOptions.Seed"/>), the GAN and the generated latents.</param>
    /// <param name="folder">A new or empty folder for the seed's runs, or null to keep everything in memory.</param>
    /// <param name="fineTuneCallbacks">Makes callbacks (progress) for each fine-tune, given its name.</param>
    /// <param name="ganCallbacks">Callbacks for the GAN's training.</param>
    /// <param name="progress">Told what starts next, one line each.</param>
    /// <param name="warn">Told about choices that work but probably not as meant.</param>
    /// <param name="overwrite">Whether the run folders in <paramref name="folder"/> may hold earlier TransferGen runs, which are then
    /// replaced (only TransferGen's files are removed).</param>
    /// <param name="cancellationToken">Stops after the current batch.</param>
    public static GanAugmentedSeed Run(ImageDataset dataset, GanAugmentationOptions options, int seed, string? folder = null,
        Func<string, IEnumerable<ICallback>>? fineTuneCallbacks = null, IEnumerable<ICallback>? ganCallbacks = null,
        Action<string>? progress = null, Action<string>? warn = null, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        Check(dataset, options);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var fineTune = options.FineTune with { Seed = seed };
        string? Sub(string name) => folder is null ? null : Path.Combine(folder, name);

        progress?.Invoke($"seed {seed}: fine-tune on the real labelled images ({fineTune.LabelsPerClass} per class)");
        var realTuner = Tuner(fineTune, null, 0.5, fineTuneCallbacks?.Invoke("real-only"), warn);
        var real = realTuner.Run(dataset, Sub(RealOnlyFolder) is { } r ? new RunFolder(r) : null, dataset.Source, overwrite: overwrite, cancellationToken: cancellationToken);
        using var realModel = real.Model;
        var labelled = realTuner.TrainingSplits(dataset).Train;
        var ganImages = labelled;
        PseudoLabelledSet? pseudo = null;
        if (options.GanUnlabelled is int unlabelled)
        {
            progress?.Invoke($"seed {seed}: labelling up to {unlabelled} more training images with the real-only classifier, for the GAN only");
            // The K chosen per class (validation included) are exactly the ones the fine-tune's own choice takes.
            var chosen = (SubsetSplit)Subsampling.PerClass(dataset["train"], fineTune.LabelsPerClass!.Value, seed);
            pseudo = PseudoLabels.Label(dataset["train"], chosen.SourceIndices, unlabelled, realModel, seed);
            ganImages = new JoinedSplit("train", labelled, pseudo.Split);
            progress?.Invoke($"seed {seed}: {pseudo.Split.Count} pseudo-labelled images, {pseudo.Accuracy:P1} of their labels right");
        }

        var about = pseudo is null ? "labelled training images" : "labelled and pseudo-labelled training images";
        var kind = options.GanDBackbone is { } d ? $"cDCGAN with a {d} feature discriminator" : "cDCGAN";
        progress?.Invoke($"seed {seed}: {kind}, {options.GanSteps} steps on the {ganImages.Count} {about}");
        var ganClock = System.Diagnostics.Stopwatch.StartNew();
        using var generator = TrainGan(dataset, ganImages, options, seed, Sub(GanFolder), ganCallbacks, overwrite, cancellationToken);
        var ganSeconds = ganClock.Elapsed.TotalSeconds;
        if (Sub(SamplesFile) is { } samples)
            generator.SaveGrid(samples, count: 8 * dataset.Classes.Count, seed: seed);

        var what = options.MinConfidence is double tau ? $", kept where the real-only classifier is at least {tau:0.##} sure" : "";
        progress?.Invoke($"seed {seed}: drawing {options.SyntheticPerClass} images per class{what}");
        var generated = GeneratedImages.Split(generator, options.SyntheticPerClass, labelled.Shape, seed,
            options.MinConfidence is null ? null : realModel, options.MinConfidence ?? 0);
        using var generatedImages = generated.Split.Images;

        progress?.Invoke($"seed {seed}: the same fine-tune on real + generated images ({options.SyntheticRatio:P0} generated)");
        var augmentedTuner = Tuner(fineTune, generated.Split, options.SyntheticRatio, fineTuneCallbacks?.Invoke("augmented"), warn, options.EqualSteps);
        var augmented = augmentedTuner.Run(dataset, Sub(AugmentedFolder) is { } a ? new RunFolder(a) : null, dataset.Source, overwrite: overwrite, cancellationToken: cancellationToken);
        using var augmentedModel = augmented.Model;

        return new GanAugmentedSeed(seed, real.TestAccuracy ?? double.NaN, augmented.TestAccuracy ?? double.NaN, real.Steps, augmented.Steps,
            real.TrainCount, generated.Drawn.Sum(), generated.Kept.Sum(), augmented.TrainCount, ganSeconds, clock.Elapsed.TotalSeconds,
            pseudo?.Split.Count ?? 0, pseudo?.Accuracy);
    }

    /// <summary>
    /// Throws the <see cref="InputException"/> or <see cref="InvalidOptionException"/> that <see cref="Run"/> would for
    /// these options and data (no test split, a GAN to start from that does not fit), without training anything.
    /// </summary>
    public static void Check(ImageDataset dataset, GanAugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!dataset.HasSplit("test")) throw new InputException($"Dataset '{dataset.Source}' has no test split to compare the classifiers on.");
        if (options.GanInit is { } init)
        {
            var size = GanTrainingData.DefaultImageSize(dataset.Shape);
            GanTransfer.CheckSource(init, GanConfig(dataset, options, 0), dataset.Shape with { Height = size, Width = size });
        }
        if (options.GanDBackbone is not null)
        {
            var size = GanTrainingData.DefaultImageSize(dataset.Shape);
            ProjectedGanSetup.Resolve(GanConfig(dataset, options, 0), dataset.Shape with { Height = size, Width = size });
        }
    }

    static FineTuner Tuner(FineTuneOptions options, ImageSplit? extra, double ratio, IEnumerable<ICallback>? callbacks, Action<string>? warn,
        bool equalSteps = false)
    {
        var tuner = new FineTuner(options) { ExtraTraining = extra, ExtraTrainingRatio = ratio, Warn = warn, EpochOfRealSize = equalSteps };
        if (callbacks is not null) tuner.Callbacks.AddRange(callbacks);
        return tuner;
    }

    /// <summary>A cDCGAN trained for exactly <see cref="GanAugmentationOptions.GanSteps"/> steps: one epoch over its images, cycled.</summary>
    static ImageGenerator TrainGan(ImageDataset dataset, ImageSplit training, GanAugmentationOptions options, int seed, string? folder,
        IEnumerable<ICallback>? callbacks, bool overwrite, CancellationToken cancellationToken)
    {
        var images = options.GanSteps * options.GanBatchSize;
        var cycled = training.Subset([.. Enumerable.Range(0, images).Select(i => i % training.Count)], "train");
        var data = new ImageDataset(dataset.Format, dataset.Source, dataset.Classes, [cycled]);
        return ImageGenerator.Train(data, GanConfig(dataset, options, seed), folder, callbacks, overwrite, cancellationToken);
    }

    static GanTrainingConfig GanConfig(ImageDataset dataset, GanAugmentationOptions options, int seed)
    {
        var config = new GanTrainingConfig
        {
            Data = $"{dataset.Source} ({options.FineTune.LabelsPerClass} labelled images per class" +
                   (options.GanUnlabelled is int n ? $" and up to {n} pseudo-labelled ones" : "") + $", seed {seed})",
            Arch = "cdcgan",
            Epochs = 1,
            BatchSize = options.GanBatchSize,
            Seed = seed,
            Augmentation = options.GanAugmentation,
            InitFrom = options.GanInit,
            Device = options.FineTune.Device,
        };
        if (options.GanModeSeeking is double lambda) config = config with { Step = config.Step with { ModeSeekingWeight = lambda } };
        if (options.GanDBackbone is not { } backbone) return config;
        var projected = config with { Model = config.Model with { Projected = new Models.Gan.ProjectedDiscriminatorOptions { DBackbone = backbone } } };
        return ProjectedGanDefaults.Apply(projected, lossChosen: false, augmentationChosen: true, modeSeekingChosen: options.GanModeSeeking is not null);
    }
}
