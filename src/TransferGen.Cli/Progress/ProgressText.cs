using System.Globalization;

namespace TransferGen.Cli.Progress;

/// <summary>How progress reads as text: durations and the line a log gets during a long epoch.</summary>
public static class ProgressText
{
    /// <summary>m:ss, or h:mm:ss from an hour on; "-" when unknown.</summary>
    public static string Duration(TimeSpan? t) => t switch
    {
        null => "-",
        { TotalHours: >= 1 } h => $"{(int)h.TotalHours}:{h.Minutes:D2}:{h.Seconds:D2}",
        { } m => $"{(int)m.TotalMinutes}:{m.Seconds:D2}",
    };

    /// <summary>Images per second with one decimal, or "-" before the first batch.</summary>
    public static string Speed(double? imagesPerSecond) =>
        imagesPerSecond is { } x ? x.ToString("F1", CultureInfo.InvariantCulture) : "-";

    /// <summary>
    /// The periodic line of a plain log, e.g.
    /// <c>epoch 3/10 [finetune]  batch 412/844  183.2 img/s  loss 0.4321 acc 85.1%  epoch ETA 2:21  run ETA 31:40</c>.
    /// The run's ETA is left out when this is the run's last epoch (it equals the epoch's).
    /// </summary>
    public static string Line(ProgressSnapshot s)
    {
        var line = $"{s.Title}  batch {s.Batch}/{s.Batches}  {Speed(s.ImagesPerSecond)} img/s";
        if (s.Figures.Count > 0) line += "  " + string.Join(' ', s.Figures);
        line += $"  epoch ETA {Duration(s.EpochEta)}";
        if (!s.IsLastEpoch) line += $"  run ETA {Duration(s.RunEta)}";
        return line;
    }
}
