using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Models.Gan;

namespace TransferGen.Scoring;

/// <summary>A trained generator's scores against real data, with the real-vs-real floor that says what "good" is.</summary>
/// <param name="Generated">Generated images vs the real reference split.</param>
/// <param name="Floor">Real training images vs the same reference split, at the same count.</param>
public sealed record GanEvaluationReport(ImageSetScores Generated, ImageSetScores Floor);

/// <summary>FID/KID of a GAN's EMA generator against the real test split.</summary>
public static class GanEvaluation
{
    /// <summary>
    /// Generates <paramref name="count"/> images (fewer if the test split is smaller) and scores them against that many
    /// real test images; scores the same number of real training images against the same test images as the floor.
    /// A dataset without a test split is split class by class (20 % test, seeded). The real sets' features are read from
    /// and stored in <paramref name="cache"/> when given; the generated ones never are.
    /// </summary>
    public static GanEvaluationReport Evaluate(IGenerator generator, string modelSource, string data, FeatureNetwork network,
        int count, int seed = 0, int kidSubsets = 100, FeatureStore? cache = null) =>
        Evaluate(generator, modelSource, DatasetResolver.Load(data, new DatasetOptions { Seed = seed }), data, network, count, seed, kidSubsets, cache);

    /// <summary>
    /// As <see cref="Evaluate(IGenerator, string, string, FeatureNetwork, int, int, int, FeatureStore)"/>, on a dataset
    /// already loaded; <paramref name="data"/> names it in the report.
    /// </summary>
    public static GanEvaluationReport Evaluate(IGenerator generator, string modelSource, ImageDataset dataset, string data,
        FeatureNetwork network, int count, int seed = 0, int kidSubsets = 100, FeatureStore? cache = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.HasSplit("test") || !dataset.HasSplit("train"))
            throw new InputException($"{data} needs a train and a test split for the real-vs-real floor (it has: {string.Join(", ", dataset.Splits.Select(s => s.Name))}).");
        var test = ImageSetScoring.Limit(dataset["test"], count, seed);
        var n = Math.Min(test.Count, dataset["train"].Count);
        test = ImageSetScoring.Limit(test, n, seed);
        var train = ImageSetScoring.Limit(dataset["train"], n, seed);

        using var source = new FeatureSource(network, cache);
        // The test features serve both comparisons: extracted (or read) once.
        using var testFeatures = source.Of(test);
        using var trainFeatures = source.Of(train);
        using var generatedFeatures = source.Of(ImageSetScoring.Resized(GanSampling.Batches(generator, n, 64, seed), network.InputSize));
        var reference = new ImageSetSide(data, "test", test.Count, testFeatures.FromCache);
        var generated = ImageSetScoring.Score(network, generatedFeatures.Features, new ImageSetSide(modelSource, "generated", n),
            testFeatures.Features, reference, kidSubsets, seed, ReferenceSide.B);
        var floor = ImageSetScoring.Score(network, trainFeatures.Features, new ImageSetSide(data, "train", n, trainFeatures.FromCache),
            testFeatures.Features, reference, kidSubsets, seed, ReferenceSide.B);
        return new GanEvaluationReport(generated, floor);
    }
}
