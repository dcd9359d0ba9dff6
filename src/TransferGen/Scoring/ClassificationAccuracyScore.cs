using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.SyntheticData;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Scoring;

/// <summary>What <see cref="ClassificationAccuracyScore.Measure"/> found.</summary>
/// <param name="Cas">Real-test accuracy of the classifier trained only on generated images.</param>
/// <param name="RealAccuracy">Real-test accuracy of the same classifier trained on as many real images.</param>
/// <param name="PerClass">Training images per class of each (validation carved from them included).</param>
/// <param name="TestCount">Real test images both were scored on.</param>
/// <param name="Backbone">The classifier's backbone.</param>
public sealed record CasReport(double Cas, double RealAccuracy, int PerClass, int TestCount, string Backbone)
{
    /// <summary>CAS / real accuracy: 1 when the generated images teach the classes as well as real ones.</summary>
    public double Ratio => RealAccuracy == 0 ? double.NaN : Cas / RealAccuracy;
}

/// <summary>
/// The Classification Accuracy Score (Ravuri &amp; Vinyals 2019): train a classifier only on a conditional generator's
/// images, labelled with the class each was drawn for, and test it on real images. Beside it, the same classifier trained
/// on as many real images, so the number has a reference. Unlike FID it rewards images that carry what tells the classes
/// apart and punishes a generator that draws too few kinds of image per class.
/// </summary>
public static class ClassificationAccuracyScore
{
    /// <summary>The fine-tune both classifiers get unless told otherwise: the default one, with the small-data minimum steps.</summary>
    public static FineTuneOptions DefaultOptions { get; } = new() { MinSteps = FineTuneOptions.SmallDataMinSteps };

    /// <summary>
    /// Draws <paramref name="perClass"/> images of each class (class k from seed <paramref name="seed"/> + k), fine-tunes on
    /// them, fine-tunes the same way on <paramref name="perClass"/> real training images per class, and tests both on
    /// <paramref name="real"/>'s test split. The generator's classes must be the dataset's, in its order.
    /// </summary>
    public static CasReport Measure(ImageGenerator generator, ImageDataset real, int perClass = 100, FineTuneOptions? options = null,
        int seed = 0, IEnumerable<ICallback>? callbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(real);
        Check(generator, real);
        if (perClass < 2) throw new InvalidOptionException($"{{0}} must be at least 2, got {perClass}.", "ClassificationAccuracyScore.PerClass");
        var o = (options ?? DefaultOptions) with { Seed = seed, LabelsPerClass = null };
        var test = real["test"];

        var generated = GeneratedImages.Split(generator, perClass, real.Shape, seed);
        using var images = generated.Split.Images;
        var synthetic = new ImageDataset("generated", generator.Folder ?? "generator", real.Classes, [generated.Split, test]);
        var cas = Accuracy(synthetic, o, callbacks, cancellationToken);
        var realAccuracy = Accuracy(real, o with { LabelsPerClass = perClass }, callbacks, cancellationToken);
        return new CasReport(cas, realAccuracy, perClass, test.Count, o.Backbone);
    }

    /// <summary>The <see cref="InputException"/> <see cref="Measure"/> would throw for this pair, before any work.</summary>
    public static void Check(ImageGenerator generator, ImageDataset real)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(real);
        if (!generator.Conditional)
            throw new InputException($"{generator.Folder ?? "The generator"} is unconditional; CAS needs a class-conditional GAN (cdcgan).");
        if (!generator.Classes.SequenceEqual(real.Classes))
            throw new InputException($"{generator.Folder ?? "The generator"} draws the classes {string.Join(", ", generator.Classes)}, but the data has {string.Join(", ", real.Classes)}; CAS needs the same classes in the same order.");
        if (!real.HasSplit("test")) throw new InputException($"Dataset '{real.Source}' has no test split for CAS.");
    }

    static double Accuracy(ImageDataset data, FineTuneOptions options, IEnumerable<ICallback>? callbacks, CancellationToken cancellationToken)
    {
        var tuner = new FineTuner(options);
        if (callbacks is not null) tuner.Callbacks.AddRange(callbacks);
        var result = tuner.Run(data, cancellationToken: cancellationToken);
        using (result.Model) return result.TestAccuracy ?? double.NaN;
    }
}
