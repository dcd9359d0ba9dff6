using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TransferGen.IO;
using static TorchSharp.torch;

namespace TransferGen.Metrics;

/// <summary>
/// Classification figures for one evaluation: accuracy, top-k accuracy, per-class precision/recall/F1, their macro
/// and support-weighted averages, and the confusion matrix. Built by <see cref="Compute"/>; serializes to JSON with
/// snake_case names (<c>accuracy</c>, <c>top_k</c>, <c>per_class</c>, <c>confusion</c>, <c>macro_f1</c>, ...).
/// </summary>
/// <remarks>
/// Macro averages are taken over the classes that occur in the labels or in the predictions. A class that does
/// neither has nothing to be right or wrong about; counting its conventional zeros would punish a model for the
/// make-up of the evaluation set (scikit-learn's default does the same). Such classes still get a row in
/// <see cref="PerClass"/>, with zeros. Weighted averages weight each class by its support, so they ignore them anyway.
/// </remarks>
public sealed record ClassificationReport
{
    /// <summary>The k values <see cref="Compute"/> reports when none are given (those above the class count are skipped).</summary>
    public static IReadOnlyList<int> DefaultTopK { get; } = [1, 3, 5];

    /// <summary>Number of samples evaluated.</summary>
    [JsonPropertyName("samples")]
    public required long Samples { get; init; }

    /// <summary>Class names, in label order.</summary>
    [JsonPropertyName("classes")]
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Fraction of samples whose highest-scoring class is the label, 0..1 (0 when there are no samples).</summary>
    [JsonPropertyName("accuracy")]
    public required double Accuracy { get; init; }

    /// <summary>For each k, the fraction of samples whose label is among the k highest-scoring classes. k = 1 equals <see cref="Accuracy"/>.</summary>
    [JsonPropertyName("top_k")]
    public required IReadOnlyDictionary<int, double> TopK { get; init; }

    /// <summary>One row per class, in label order.</summary>
    [JsonPropertyName("per_class")]
    public required IReadOnlyList<PerClassMetrics> PerClass { get; init; }

    /// <summary>Counts: <c>Confusion[t][p]</c> is how many samples labelled <c>t</c> were predicted as <c>p</c>.</summary>
    [JsonPropertyName("confusion")]
    public required long[][] Confusion { get; init; }

    /// <summary>Unweighted mean of per-class precision (see the remarks for which classes count).</summary>
    [JsonPropertyName("macro_precision")]
    public required double MacroPrecision { get; init; }

    /// <summary>Unweighted mean of per-class recall (see the remarks for which classes count).</summary>
    [JsonPropertyName("macro_recall")]
    public required double MacroRecall { get; init; }

    /// <summary>Unweighted mean of per-class F1 (see the remarks for which classes count).</summary>
    [JsonPropertyName("macro_f1")]
    public required double MacroF1 { get; init; }

    /// <summary>Per-class precision averaged with support as weight.</summary>
    [JsonPropertyName("weighted_precision")]
    public required double WeightedPrecision { get; init; }

    /// <summary>Per-class recall averaged with support as weight (equals <see cref="Accuracy"/>).</summary>
    [JsonPropertyName("weighted_recall")]
    public required double WeightedRecall { get; init; }

    /// <summary>Per-class F1 averaged with support as weight.</summary>
    [JsonPropertyName("weighted_f1")]
    public required double WeightedF1 { get; init; }

    /// <summary>The report as JSON (indented unless <paramref name="indented"/> is false).</summary>
    public string ToJson(bool indented = true) => JsonSerializer.Serialize(this, indented ? JsonDefaults.Options : JsonDefaults.Compact);

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    public static ClassificationReport FromJson(string json) =>
        JsonSerializer.Deserialize<ClassificationReport>(json, JsonDefaults.Options) ?? throw new JsonException("the JSON holds null, not a classification report");

    /// <summary>
    /// Computes the report from a model's outputs. The prediction for a sample is its highest-scoring class, so
    /// <paramref name="scores"/> may be logits or probabilities alike (softmax keeps the order).
    /// </summary>
    /// <param name="scores">Floating-point [N, K] class scores, on any device.</param>
    /// <param name="labels">Integer [N] true classes in 0..K-1 (converted to int64 if another integer type).</param>
    /// <param name="classNames">K names, in label order.</param>
    /// <param name="topK">The k values for <see cref="TopK"/>; default <see cref="DefaultTopK"/>. Values above K are skipped.</param>
    /// <exception cref="ArgumentException">Shapes disagree, labels are out of range, or a k is below 1.</exception>
    public static ClassificationReport Compute(Tensor scores, Tensor labels, IReadOnlyList<string> classNames, IEnumerable<int>? topK = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        var ks = (topK ?? DefaultTopK).Distinct().Order().ToList();
        if (ks.Any(k => k < 1)) throw new ArgumentException("every k must be at least 1", nameof(topK));
        if (scores.dim() != 2) throw new ArgumentException($"scores must be [N, K], got [{string.Join(", ", scores.shape)}]", nameof(scores));
        if (!scores.is_floating_point()) throw new ArgumentException($"scores must be floating-point, got {scores.dtype}", nameof(scores));
        if (labels.dim() != 1 || labels.shape[0] != scores.shape[0])
            throw new ArgumentException($"labels must be [N] with N = {scores.shape[0]}, got [{string.Join(", ", labels.shape)}]", nameof(labels));
        if (labels.is_floating_point() || labels.is_complex() || labels.dtype == ScalarType.Bool)
            throw new ArgumentException($"labels must be an integer tensor, got {labels.dtype}", nameof(labels));
        var k = (int)scores.shape[1];
        if (k < 1 || k != classNames.Count)
            throw new ArgumentException($"scores have {k} columns but {classNames.Count} class names were given", nameof(classNames));
        ks = ks.Where(x => x <= k).ToList();

        var n = scores.shape[0];
        using var scope = NewDisposeScope();
        var truth = labels.to_type(ScalarType.Int64);
        if (n > 0)
        {
            var (low, high) = (truth.min().item<long>(), truth.max().item<long>());
            if (low < 0 || high >= k) throw new ArgumentException($"labels must lie in 0..{k - 1}, found {(low < 0 ? low : high)}", nameof(labels));
        }

        // One topk call gives both the prediction (column 0) and the top-k hits, so top-1 always equals accuracy,
        // even when tied scores would let a separate argmax pick a different class.
        var widest = ks.Count == 0 ? 1 : ks[^1];
        var ranked = scores.topk(widest, dim: 1).indexes;
        var prediction = ranked.select(1, 0);
        var hits = ranked.eq(truth.unsqueeze(1));
        var topKAccuracy = new SortedDictionary<int, double>();
        foreach (var kk in ks)
            topKAccuracy[kk] = n == 0 ? 0 : hits.narrow(1, 0, kk).any(1).sum().item<long>() / (double)n;

        // Each (true, predicted) pair gets one bin: true * K + predicted, so one bincount builds the whole matrix.
        var confusion = (truth * k + prediction).bincount(null, k * k).view(k, k).cpu();
        // Named dim: a bare 0 would bind to the sum(ScalarType) overload and total the whole matrix.
        var correct = confusion.diagonal().to_type(ScalarType.Float64);
        var support = confusion.sum(dim: 1).to_type(ScalarType.Float64);
        var predicted = confusion.sum(dim: 0).to_type(ScalarType.Float64);
        var precision = SafeDivide(correct, predicted);
        var recall = SafeDivide(correct, support);
        var f1 = SafeDivide(2 * precision * recall, precision + recall);

        var occurs = (support + predicted).gt(0);
        var occurring = occurs.sum().item<long>();
        double Macro(Tensor t) => occurring == 0 ? 0 : t.masked_select(occurs).sum().item<double>() / occurring;
        double Weighted(Tensor t) => n == 0 ? 0 : (t * support).sum().item<double>() / n;

        var counts = confusion.data<long>().ToArray();
        var p = precision.data<double>().ToArray();
        var r = recall.data<double>().ToArray();
        var f = f1.data<double>().ToArray();
        var s = support.data<double>().ToArray();
        return new ClassificationReport
        {
            Samples = n,
            Classes = classNames.ToArray(),
            Accuracy = n == 0 ? 0 : correct.sum().item<double>() / n,
            TopK = topKAccuracy,
            PerClass = Enumerable.Range(0, k).Select(i => new PerClassMetrics(classNames[i], p[i], r[i], f[i], (long)s[i])).ToArray(),
            Confusion = Enumerable.Range(0, k).Select(row => counts.AsSpan(row * k, k).ToArray()).ToArray(),
            MacroPrecision = Macro(precision),
            MacroRecall = Macro(recall),
            MacroF1 = Macro(f1),
            WeightedPrecision = Weighted(precision),
            WeightedRecall = Weighted(recall),
            WeightedF1 = Weighted(f1),
        };
    }

    /// <summary>Element-wise a / b, with 0 where b is 0 (the report's 0/0 convention).</summary>
    static Tensor SafeDivide(Tensor a, Tensor b) =>
        torch.where(b.gt(0), a / b.clamp_min(1e-300), torch.zeros_like(a));
}
