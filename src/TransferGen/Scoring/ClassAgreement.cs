using TransferGen.Generation;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Scoring;

/// <summary>One class of a <see cref="ClassAgreementReport"/>.</summary>
/// <param name="Class">The class the generator was asked for.</param>
/// <param name="Agreed">Generated images the classifier put in that class.</param>
/// <param name="Total">Generated images of that class.</param>
/// <param name="MostPredicted">The class the classifier chose most often for them.</param>
public sealed record ClassAgreementRow(string Class, int Agreed, int Total, string MostPredicted)
{
    /// <summary>Agreed / Total.</summary>
    public double Rate => Total == 0 ? 0 : (double)Agreed / Total;
}

/// <summary>How often a real-data classifier agrees with the class a conditional generator was asked for.</summary>
/// <param name="Agreement">Agreed images over all generated images.</param>
/// <param name="Chance">What a classifier guessing uniformly among its classes would reach (1 / its class count).</param>
/// <param name="PerClass">Each of the generator's classes, in its label order.</param>
/// <param name="Classifier">The classifier, as the report names it.</param>
public sealed record ClassAgreementReport(double Agreement, double Chance, IReadOnlyList<ClassAgreementRow> PerClass, string Classifier);

/// <summary>
/// Class agreement of a conditional GAN: draws the same number of images of every class and classifies them with a
/// classifier fine-tuned on real data. High agreement says the class conditioning works and the images carry the
/// class's features; it says nothing about diversity (a generator drawing one perfect image per class scores 100 %),
/// which is what FID, recall or CAS add.
/// </summary>
public static class ClassAgreement
{
    const int Batch = 256;

    /// <summary>
    /// Draws <paramref name="perClass"/> images of each class of <paramref name="generator"/> (class k from seed
    /// <paramref name="seed"/> + k) and classifies them. The classes are matched by name, so the classifier may know
    /// more classes, or list them in another order; a class it lacks is an <see cref="InputException"/>. Gray images
    /// are replicated for a colour classifier and colour ones averaged for a gray classifier.
    /// </summary>
    public static ClassAgreementReport Measure(ImageGenerator generator, ImageClassifier classifier, int perClass = 100, long seed = 0,
        string? classifierName = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(classifier);
        if (perClass < 1) throw new InvalidOptionException($"{{0}} must be at least 1, got {perClass}.", "ClassAgreement.PerClass");
        var name = classifierName ?? classifier.Folder ?? "the classifier";
        var targets = Targets(generator, classifier, name);

        var rows = new List<ClassAgreementRow>();
        for (var k = 0; k < generator.Classes.Count; k++)
        {
            using var scope = NewDisposeScope();
            var counts = zeros(classifier.Classes.Count, dtype: ScalarType.Int64);
            // Streamed in batches, so memory stays flat however many images are judged.
            foreach (var images in GanSampling.Batches(new GanImageWriter.FixedClass(generator.Network, k), perClass, Batch, seed + k))
            {
                var predicted = classifier.Probabilities(AsBytes(images, classifier.Config.DataChannels)).argmax(1);
                counts += bincount(predicted, minlength: classifier.Classes.Count);
            }
            var agreed = counts[targets[k]].item<long>();
            var most = counts.argmax().item<long>();
            rows.Add(new ClassAgreementRow(generator.Classes[k], (int)agreed, perClass, classifier.Classes[(int)most]));
        }
        var total = rows.Sum(r => r.Total);
        return new ClassAgreementReport((double)rows.Sum(r => r.Agreed) / total, 1.0 / classifier.Classes.Count, rows, name);
    }

    /// <summary>
    /// Throws the <see cref="InputException"/> that <see cref="Measure"/> would, without drawing anything: call it
    /// before long work so that a generator and classifier that cannot be compared fail first.
    /// </summary>
    public static void Check(ImageGenerator generator, ImageClassifier classifier, string? classifierName = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(classifier);
        Targets(generator, classifier, classifierName ?? classifier.Folder ?? "the classifier");
    }

    // The classifier's index of each generator class.
    static int[] Targets(ImageGenerator generator, ImageClassifier classifier, string name)
    {
        if (!generator.Conditional)
            throw new InputException($"{generator.Folder ?? "The generator"} is unconditional; class agreement needs a class-conditional GAN (cdcgan).");
        return generator.Classes.Select(c => IndexIn(classifier.Classes, c, name)).ToArray();
    }

    static int IndexIn(IReadOnlyList<string> classes, string wanted, string classifier)
    {
        for (var i = 0; i < classes.Count; i++)
            if (string.Equals(classes[i], wanted, StringComparison.Ordinal)) return i;
        throw new InputException($"{classifier} has no class '{wanted}', which the generator draws (its classes: {string.Join(", ", classes)}).");
    }

    // Generated float [0, 1] images as the uint8 images a classifier's transform expects, in its channel count.
    static Tensor AsBytes(Tensor images, int channels)
    {
        var c = images.shape[1];
        var adapted = c == channels ? images
            : channels == 3 ? images.expand(-1, 3, -1, -1)
            : images.mean([1], keepdim: true);
        return adapted.mul(255).round().clamp(0, 255).to(ScalarType.Byte);
    }
}
