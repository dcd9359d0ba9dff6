namespace TransferGen.Benchmarks;

/// <summary>The timed repetitions of one workload reduced to the figures we report.</summary>
/// <param name="Name">The workload's name.</param>
/// <param name="Variant">Which variant of the workload ran (<c>default</c> for the chosen settings).</param>
/// <param name="BatchSize">Images per repetition.</param>
/// <param name="Seconds">Wall-clock seconds of each timed repetition, in the order they ran.</param>
public sealed record TimingSummary(string Name, string Variant, int BatchSize, IReadOnlyList<double> Seconds)
{
    /// <summary>Median seconds per repetition: robust to the odd slow repetition on a shared machine.</summary>
    public double MedianSeconds { get; } = Median(Seconds);

    /// <summary>Fastest repetition in seconds.</summary>
    public double MinSeconds => Seconds.Min();

    /// <summary>Slowest repetition in seconds.</summary>
    public double MaxSeconds => Seconds.Max();

    /// <summary>Throughput at the median: batch size divided by the median seconds.</summary>
    public double ImagesPerSecond => BatchSize / MedianSeconds;

    /// <summary>The median of <paramref name="values"/>; the mean of the two middle values when the count is even.</summary>
    /// <exception cref="ArgumentException">There are no values.</exception>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("at least one timing is needed", nameof(values));
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
