using TransferGen.SyntheticData;

namespace TransferGen.Benchmarks.Augment;

/// <summary>Mean and sample standard deviation of one figure over the seeds.</summary>
/// <param name="Mean">The mean.</param>
/// <param name="Std">The sample standard deviation (0 for one seed).</param>
public sealed record MeanStd(double Mean, double Std)
{
    /// <summary>The statistics of <paramref name="values"/> (NaN for none).</summary>
    public static MeanStd Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return new MeanStd(double.NaN, double.NaN);
        var mean = values.Average();
        var std = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new MeanStd(mean, std);
    }
}

/// <summary>What `transfergen augment` measured: each seed's real-only and augmented accuracy, and their summary.</summary>
public sealed record AugmentReport
{
    /// <summary>The dataset as the user named it.</summary>
    public required string Data { get; init; }

    /// <summary>The dataset's classes.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Test images every accuracy is measured on.</summary>
    public required int TestCount { get; init; }

    /// <summary>The options of every seed.</summary>
    public required GanAugmentationOptions Options { get; init; }

    /// <summary>The seeds asked for, in order.</summary>
    public required IReadOnlyList<int> Seeds { get; init; }

    /// <summary>The machine and date of the measurement.</summary>
    public required BenchmarkEnvironment Machine { get; init; }

    /// <summary>The command that made it.</summary>
    public string? CommandLine { get; init; }

    /// <summary>The seeds finished so far.</summary>
    public List<GanAugmentedSeed> Runs { get; init; } = [];

    /// <summary>Real-only test accuracy over the finished seeds.</summary>
    public MeanStd RealOnly => MeanStd.Of([.. Runs.Select(r => r.RealOnly)]);

    /// <summary>Augmented test accuracy over the finished seeds.</summary>
    public MeanStd Augmented => MeanStd.Of([.. Runs.Select(r => r.Augmented)]);

    /// <summary>Augmented − real-only, seed by seed, over the finished seeds.</summary>
    public MeanStd Delta => MeanStd.Of([.. Runs.Select(r => r.Delta)]);
}
