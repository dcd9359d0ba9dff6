using System.Text.Json;
using TransferGen.IO;

namespace TransferGen.Training.Callbacks;

/// <summary>
/// Records every epoch's figures in a run folder: appends one JSON line per epoch to metrics.jsonl (readable while
/// training runs) and rewrites metrics.json atomically with the whole history and the final state. When a fit begins,
/// metrics.jsonl is rewritten from the context's history: empty for a new run, and for a resumed one exactly the
/// epochs its checkpoint holds (a kill between the checkpoint and this log would otherwise repeat a line). It runs after
/// the checkpoint writer, so a failed write never leaves a line for an epoch the checkpoint does not hold.
/// </summary>
public sealed class MetricsLog(string runFolder) : ICallback
{
    /// <summary>Runs after callbacks that add figures to the epoch (validation, FID) and after the checkpoint writer (90).</summary>
    public int Order => 100;

    /// <summary>Path of the per-epoch JSON-lines file.</summary>
    public string LinesPath => Path.Combine(runFolder, "metrics.jsonl");

    /// <summary>Path of the summary file.</summary>
    public string SummaryPath => Path.Combine(runFolder, "metrics.json");

    /// <inheritdoc />
    public void BeforeFit(TrainingContext context)
    {
        var lines = context.History.Select((h, i) => JsonSerializer.Serialize(
            new Dictionary<string, double>(h) { ["epoch"] = i + 1, ["step"] = (long)(i + 1) * context.BatchesPerEpoch }) + "\n");
        AtomicFile.WriteAllText(LinesPath, string.Concat(lines));
    }

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        var line = new Dictionary<string, double>(context.EpochMetrics) { ["epoch"] = context.Epoch + 1, ["step"] = context.GlobalStep };
        try
        {
            File.AppendAllText(LinesPath, JsonSerializer.Serialize(line, JsonDefaults.Compact) + "\n");
        }
        catch (Exception e) when (FileErrors.Writing(LinesPath, e) is { } refused)
        {
            throw refused;
        }
        WriteSummary(context, context.History.Append(context.EpochMetrics));
    }

    /// <inheritdoc />
    public void AfterFit(TrainingContext context) => WriteSummary(context, context.History);

    void WriteSummary(TrainingContext context, IEnumerable<Dictionary<string, double>> history)
    {
        var epochs = history.ToList();
        var summary = new Dictionary<string, object?>
        {
            ["epochs_completed"] = epochs.Count,
            ["steps"] = context.GlobalStep,
            ["stopped_early"] = context.StopReason,
            ["final"] = epochs.LastOrDefault(),
            ["history"] = epochs,
        };
        AtomicFile.WriteAllText(SummaryPath, JsonSerializer.Serialize(summary, JsonDefaults.Options));
    }
}
