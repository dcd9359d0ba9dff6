using System.Text.Json.Serialization;

namespace TransferGen.Metrics;

/// <summary>
/// One class's row of a <see cref="ClassificationReport"/>. A ratio whose denominator is 0 is reported as 0 (the
/// convention scikit-learn uses with <c>zero_division=0</c>): a class never predicted has precision 0, a class absent
/// from the labels has recall 0, and F1 is 0 when precision and recall are both 0.
/// </summary>
/// <param name="Class">The class name.</param>
/// <param name="Precision">Correct predictions of this class over all predictions of it, 0..1.</param>
/// <param name="Recall">Correct predictions of this class over all samples labelled with it, 0..1.</param>
/// <param name="F1">Harmonic mean of <paramref name="Precision"/> and <paramref name="Recall"/>, 0..1.</param>
/// <param name="Support">How many samples carry this label.</param>
public sealed record PerClassMetrics(
    [property: JsonPropertyName("class")] string Class,
    [property: JsonPropertyName("precision")] double Precision,
    [property: JsonPropertyName("recall")] double Recall,
    [property: JsonPropertyName("f1")] double F1,
    [property: JsonPropertyName("support")] long Support);
