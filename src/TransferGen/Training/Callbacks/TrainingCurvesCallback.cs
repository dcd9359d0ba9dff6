using TransferGen.Reports;

namespace TransferGen.Training.Callbacks;

/// <summary>
/// Keeps RUN/curves.png up to date: at the end of every epoch it redraws the whole history (finished epochs plus the
/// one just ending) with <see cref="TrainingCurves"/> and replaces the file atomically, so a viewer never sees half
/// an image.
/// </summary>
public sealed class TrainingCurvesCallback(string runFolder) : ICallback
{
    /// <summary>Runs after callbacks that add figures to the epoch (validation, FID), next to <see cref="MetricsLog"/>.</summary>
    public int Order => 100;

    /// <summary>Path of the image.</summary>
    public string ImagePath { get; } = Path.Combine(runFolder, "curves.png");

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        // The loop appends EpochMetrics to History only after AfterEpoch, so the current epoch is added here.
        var history = new List<IReadOnlyDictionary<string, double>>(context.History) { context.EpochMetrics };
        TrainingCurves.SavePng(ImagePath, history);
    }
}
