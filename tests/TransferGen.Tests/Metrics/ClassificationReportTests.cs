using System.Text.Json;
using TorchSharp;
using TransferGen.Metrics;
using static TorchSharp.torch;

namespace TransferGen.Tests.Metrics;

public class ClassificationReportTests
{
    static readonly string[] Abc = ["a", "b", "c"];

    /// <summary>Logits whose highest entry in row i is predictions[i] (runner-up: the next class), for hand-made cases.</summary>
    static Tensor LogitsFor(long[] predictions, int classes)
    {
        var data = new float[predictions.Length * classes];
        for (var i = 0; i < predictions.Length; i++)
        {
            data[i * classes + predictions[i]] = 3f;
            data[i * classes + (predictions[i] + 1) % classes] = 1f;
        }
        return torch.tensor(data, [predictions.Length, classes]);
    }

    static ClassificationReport Report(long[] labels, long[] predictions, string[] names)
    {
        using var scores = LogitsFor(predictions, names.Length);
        using var truth = torch.tensor(labels);
        return ClassificationReport.Compute(scores, truth, names);
    }

    [Fact]
    public void Three_classes_seven_samples_match_hand_computation()
    {
        // Confusion (rows true, columns predicted): [2 1 0] [0 1 1] [0 1 1].
        var report = Report([0, 0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2, 1], Abc);

        Assert.Equal(7, report.Samples);
        Assert.Equal(new long[][] { [2, 1, 0], [0, 1, 1], [0, 1, 1] }, report.Confusion);
        Assert.Equal(4.0 / 7, report.Accuracy, 12);
        Assert.Equal([1.0, 1.0 / 3, 0.5], report.PerClass.Select(c => c.Precision), Close);
        Assert.Equal([2.0 / 3, 0.5, 0.5], report.PerClass.Select(c => c.Recall), Close);
        Assert.Equal([0.8, 0.4, 0.5], report.PerClass.Select(c => c.F1), Close);
        Assert.Equal([3L, 2, 2], report.PerClass.Select(c => c.Support));
        Assert.Equal(Abc, report.PerClass.Select(c => c.Class));
        Assert.Equal(11.0 / 18, report.MacroPrecision, 12);
        Assert.Equal(1.7 / 3, report.MacroF1, 12);
        Assert.Equal(0.6, report.WeightedF1, 12);
        Assert.Equal(4.0 / 7, report.WeightedRecall, 12);
        Assert.Equal([1, 3], report.TopK.Keys);
        Assert.Equal(4.0 / 7, report.TopK[1], 12);
        Assert.Equal(1.0, report.TopK[3], 12);
    }

    [Fact]
    public void Perfect_predictions_score_one_everywhere()
    {
        var report = Report([0, 1, 2, 2, 1], [0, 1, 2, 2, 1], Abc);
        Assert.Equal(1.0, report.Accuracy);
        Assert.All(report.PerClass, c => Assert.Equal((1.0, 1.0, 1.0), (c.Precision, c.Recall, c.F1)));
        Assert.Equal(1.0, report.MacroF1);
        Assert.Equal(1.0, report.WeightedF1);
        Assert.Equal(new long[][] { [1, 0, 0], [0, 2, 0], [0, 0, 2] }, report.Confusion);
    }

    [Fact]
    public void All_wrong_predictions_score_zero()
    {
        var report = Report([0, 1, 2, 0], [1, 2, 0, 2], Abc);
        Assert.Equal(0.0, report.Accuracy);
        Assert.All(report.PerClass, c => Assert.Equal((0.0, 0.0, 0.0), (c.Precision, c.Recall, c.F1)));
        Assert.Equal(0.0, report.MacroF1);
        Assert.Equal(0.0, report.TopK[1]);
        Assert.Equal(0, report.Confusion.Select((row, i) => row[i]).Sum());
    }

    [Fact]
    public void A_class_never_predicted_has_precision_zero_not_nan()
    {
        var report = Report([0, 1, 2, 2], [0, 1, 1, 1], Abc);
        var c = report.PerClass[2];
        Assert.Equal((0.0, 0.0, 0.0, 2L), (c.Precision, c.Recall, c.F1, c.Support));
        Assert.Equal(1.0 / 3, report.PerClass[1].Precision, 12);
        Assert.Equal(1.0, report.PerClass[1].Recall);
        Assert.False(double.IsNaN(report.MacroPrecision));
        Assert.Equal((1 + 1.0 / 3 + 0) / 3, report.MacroPrecision, 12);
    }

    [Fact]
    public void A_class_absent_from_labels_and_predictions_is_left_out_of_macro_averages()
    {
        var report = Report([0, 1, 1], [0, 1, 1], ["a", "b", "c", "d"]);
        Assert.Equal(1.0, report.MacroF1);
        Assert.Equal((0.0, 0L), (report.PerClass[3].F1, report.PerClass[3].Support));
    }

    [Fact]
    public void Top_k_counts_the_label_among_the_k_best_scores()
    {
        // Six classes; the label's rank (0 = best) per row is 0, 2, 4, 5.
        using var scores = torch.tensor(new float[,]
        {
            { 9, 1, 2, 3, 4, 5 },   // label 0, rank 0
            { 6, 5, 4, 3, 2, 1 },   // label 2, rank 2
            { 1, 2, 3, 4, 5, 6 },   // label 1, rank 4
            { 0.1f, 0.3f, 0.2f, 0.6f, 0.5f, 0.4f }, // label 0, rank 5
        });
        using var labels = torch.tensor(new long[] { 0, 2, 1, 0 });
        var report = ClassificationReport.Compute(scores, labels, ["0", "1", "2", "3", "4", "5"]);
        Assert.Equal([1, 3, 5], report.TopK.Keys);
        Assert.Equal(0.25, report.TopK[1]);
        Assert.Equal(0.5, report.TopK[3]);
        Assert.Equal(0.75, report.TopK[5]);
        Assert.Equal(report.Accuracy, report.TopK[1]);

        var custom = ClassificationReport.Compute(scores, labels, ["0", "1", "2", "3", "4", "5"], [2, 6, 10]);
        Assert.Equal([2, 6], custom.TopK.Keys);
        Assert.Equal(1.0, custom.TopK[6]);
    }

    [Fact]
    public void Agrees_with_a_naive_computation_on_random_data()
    {
        const int n = 300, k = 7;
        var generator = new Random(1234);
        var raw = Enumerable.Range(0, n * k).Select(_ => (float)generator.NextDouble()).ToArray();
        // Skew the labels towards the best score so the per-class figures are neither all zero nor all one.
        var labels = Enumerable.Range(0, n).Select(i => generator.NextDouble() < 0.5 ? ArgMax(raw, i, k) : generator.Next(k)).ToArray();
        using var scores = torch.tensor(raw, [n, k]);
        using var truth = torch.tensor(labels.Select(l => (long)l).ToArray());
        var names = Enumerable.Range(0, k).Select(i => $"c{i}").ToArray();
        var report = ClassificationReport.Compute(scores, truth, names);

        var confusion = new long[k, k];
        for (var i = 0; i < n; i++) confusion[labels[i], ArgMax(raw, i, k)]++;
        double f1Sum = 0, weightedF1 = 0;
        for (var c = 0; c < k; c++)
        {
            long tp = confusion[c, c], support = 0, predicted = 0;
            for (var j = 0; j < k; j++) { support += confusion[c, j]; predicted += confusion[j, c]; }
            var p = predicted == 0 ? 0 : tp / (double)predicted;
            var r = support == 0 ? 0 : tp / (double)support;
            var f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            Assert.Equal(p, report.PerClass[c].Precision, 12);
            Assert.Equal(r, report.PerClass[c].Recall, 12);
            Assert.Equal(f, report.PerClass[c].F1, 12);
            Assert.Equal(support, report.PerClass[c].Support);
            for (var j = 0; j < k; j++) Assert.Equal(confusion[c, j], report.Confusion[c][j]);
            f1Sum += f;
            weightedF1 += f * support / n;
        }
        Assert.Equal(f1Sum / k, report.MacroF1, 12);
        Assert.Equal(weightedF1, report.WeightedF1, 12);

        foreach (var kk in new[] { 1, 3, 5 })
        {
            var hits = Enumerable.Range(0, n).Count(i => Enumerable.Range(0, k).Count(j => raw[i * k + j] > raw[i * k + labels[i]]) < kk);
            Assert.Equal(hits / (double)n, report.TopK[kk], 12);
        }
    }

    [Fact]
    public void Serializes_with_snake_case_names_and_round_trips()
    {
        var report = Report([0, 0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2, 1], Abc);
        using var json = JsonDocument.Parse(report.ToJson());
        var root = json.RootElement;
        Assert.Equal(4.0 / 7, root.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(1.0, root.GetProperty("top_k").GetProperty("3").GetDouble());
        Assert.Equal("c", root.GetProperty("per_class")[2].GetProperty("class").GetString());
        Assert.Equal(0.4, root.GetProperty("per_class")[1].GetProperty("f1").GetDouble(), 12);
        Assert.Equal(2, root.GetProperty("per_class")[1].GetProperty("support").GetInt64());
        Assert.Equal(2, root.GetProperty("confusion")[0][0].GetInt64());
        Assert.Equal(1.7 / 3, root.GetProperty("macro_f1").GetDouble(), 12);

        var back = ClassificationReport.FromJson(report.ToJson(indented: false));
        Assert.Equal(report.Confusion, back.Confusion);
        Assert.Equal(report.PerClass, back.PerClass);
        Assert.Equal(report.TopK, back.TopK);
        Assert.Equal(report.MacroF1, back.MacroF1);
    }

    [Fact]
    public void Accepts_probabilities_and_int32_labels()
    {
        using var logits = LogitsFor([0, 2, 1], 3);
        using var probabilities = logits.softmax(1);
        using var labels = torch.tensor(new[] { 0, 2, 2 });
        var report = ClassificationReport.Compute(probabilities, labels, Abc);
        Assert.Equal(2.0 / 3, report.Accuracy, 12);
    }

    [Fact]
    public void Empty_input_gives_zeros()
    {
        using var scores = torch.zeros(0, 3);
        using var labels = torch.zeros(0, ScalarType.Int64);
        var report = ClassificationReport.Compute(scores, labels, Abc);
        Assert.Equal((0L, 0.0, 0.0), (report.Samples, report.Accuracy, report.MacroF1));
    }

    [Fact]
    public void Rejects_inconsistent_input()
    {
        using var scores = torch.zeros(2, 3);
        using var outOfRange = torch.tensor(new long[] { 0, 3 });
        using var good = torch.tensor(new long[] { 0, 1 });
        using var floats = torch.tensor(new float[] { 0, 1 });
        Assert.Throws<ArgumentException>(() => ClassificationReport.Compute(scores, outOfRange, Abc));
        Assert.Throws<ArgumentException>(() => ClassificationReport.Compute(scores, good, ["a", "b"]));
        Assert.Throws<ArgumentException>(() => ClassificationReport.Compute(scores, floats, Abc));
        Assert.Throws<ArgumentException>(() => ClassificationReport.Compute(scores, good, Abc, [0]));
    }

    static int ArgMax(float[] raw, int row, int k)
    {
        var best = 0;
        for (var j = 1; j < k; j++) if (raw[row * k + j] > raw[row * k + best]) best = j;
        return best;
    }

    static readonly IEqualityComparer<double> Close = EqualityComparer<double>.Create((a, b) => Math.Abs(a - b) < 1e-12, _ => 0);
}
