using System.Diagnostics;
using System.Globalization;

namespace TransferGen.Training.Callbacks;

/// <summary>
/// Progress as plain lines for library users (the command line draws its own live display): during an epoch, a line
/// about every <paramref name="interval"/> with batch n/N, images/s, the running loss and the epoch's ETA; a line at
/// every epoch's end with its figures; and long work outside the batches (feature caching) with its count.
/// </summary>
/// <param name="writer">Where the lines go (Console.Error, a log file).</param>
/// <param name="interval">Least time between two lines within an epoch; 30 s when null.</param>
public sealed class ProgressLog(TextWriter writer, TimeSpan? interval = null) : ICallback
{
    readonly TimeSpan _interval = interval ?? TimeSpan.FromSeconds(30);
    readonly Stopwatch _epoch = new(), _sinceLine = new();
    double _lossSum;
    long _images;
    int _steps;

    /// <summary>After the loggers, when an epoch's figures are final.</summary>
    public int Order => 150;

    /// <inheritdoc />
    public void BeforeEpoch(TrainingContext context)
    {
        (_lossSum, _images, _steps) = (0, 0, 0);
        _epoch.Restart();
        _sinceLine.Restart();
    }

    /// <inheritdoc />
    public void AfterBatch(TrainingContext context)
    {
        _steps++;
        _images += context.BatchImages;
        _lossSum += context.LastStep.TryGetValue("loss", out var loss) ? loss : context.LastStep.GetValueOrDefault("d_loss");
        if (_sinceLine.Elapsed < _interval) return;
        _sinceLine.Restart();
        var seconds = _epoch.Elapsed.TotalSeconds;
        var left = context.BatchesPerEpoch - context.BatchIndex - 1;
        writer.WriteLine(Invariant($"{Title(context)}  batch {context.BatchIndex + 1}/{context.BatchesPerEpoch}  {_images / seconds:F1} img/s  ") +
                         Invariant($"loss {_lossSum / _steps:F4}  epoch ETA {Format(TimeSpan.FromSeconds(seconds / _steps * left))}"));
    }

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context) =>
        writer.WriteLine(Title(context) + "  " + string.Join("  ", context.EpochMetrics.OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => Invariant($"{m.Key} {m.Value:G5}"))) + Invariant($"  ({_epoch.Elapsed.TotalSeconds:F1} s)"));

    /// <inheritdoc />
    public void Activity(TrainingContext context, TrainingActivity activity)
    {
        if (activity.Done == activity.Total && activity.Total > 0) writer.WriteLine(Invariant($"{activity.Name}: {activity.Total:N0} done"));
    }

    /// <inheritdoc />
    public void AfterFit(TrainingContext context)
    {
        if (context.StopReason is { } reason) writer.WriteLine($"stopped: {reason}");
    }

    static string Title(TrainingContext context) =>
        $"epoch {context.Epoch + 1}/{context.Epochs}" + (context.Phase is { } phase ? $" [{phase.Name}]" : "");

    static string Format(TimeSpan t) => t.ToString(t.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
