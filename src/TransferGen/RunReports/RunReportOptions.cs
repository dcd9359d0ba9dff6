namespace TransferGen.RunReports;

/// <summary>How <see cref="RunReport.Build"/> makes a report.</summary>
public sealed record RunReportOptions
{
    /// <summary>
    /// For a classifier run: evaluate the run's model on its own dataset's test split to draw the confusion matrix and
    /// per-class table (the data is reloaded as the run read it; seconds to minutes on a CPU, depending on the split).
    /// False: embed only the heatmaps `transfergen evaluate` left in the run folder.
    /// </summary>
    public bool Evaluate { get; init; } = true;

    /// <summary>Images per inference batch of the evaluation.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Told, one sentence each, what a slow step is doing (the evaluation); null: not told.</summary>
    public Action<string>? Progress { get; init; }
}
