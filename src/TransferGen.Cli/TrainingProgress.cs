using System.Diagnostics;
using System.Globalization;
using TransferGen.Training;

namespace TransferGen.Cli;

/// <summary>
/// Shows training progress on stderr: on a terminal one line rewritten in place (epoch, batch, %, live loss and
/// accuracy, ETA); otherwise (a log file, a pipe) one line per finished epoch, so logs stay readable.
/// </summary>
public sealed class TrainingProgress : ICallback
{
    readonly TextWriter _out = Console.Error;
    readonly bool _live = !Console.IsErrorRedirected;
    readonly Stopwatch _clock = new();
    long _startStep;
    double _lossSum, _accuracySum;
    int _steps;
    DateTime _lastDraw;

    /// <summary>Runs after the loggers, when the epoch's figures are final.</summary>
    public int Order => 150;

    /// <inheritdoc />
    public void BeforeFit(TrainingContext context)
    {
        _clock.Restart();
        _startStep = context.GlobalStep;
    }

    /// <inheritdoc />
    public void BeforeEpoch(TrainingContext context)
    {
        _lossSum = _accuracySum = 0;
        _steps = 0;
    }

    /// <inheritdoc />
    public void AfterBatch(TrainingContext context)
    {
        _steps++;
        _lossSum += context.LastStep.GetValueOrDefault("loss");
        _accuracySum += context.LastStep.GetValueOrDefault("accuracy");
        if (!_live || (DateTime.UtcNow - _lastDraw).TotalMilliseconds < 100) return;
        _lastDraw = DateTime.UtcNow;
        var percent = 100.0 * (context.BatchIndex + 1) / Math.Max(1, context.BatchesPerEpoch);
        _out.Write(Invariant($"\r\u001b[Kepoch {context.Epoch + 1}/{context.Epochs}  batch {context.BatchIndex + 1}/{context.BatchesPerEpoch} ({percent:F0}%)  loss {_lossSum / _steps:F4}  acc {_accuracySum / _steps:P1}  ETA {Eta(context)}"));
    }

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        var m = context.EpochMetrics;
        // A fine-tune names its phase, so a gradual unfreeze shows which stages are training.
        var phase = context.Phase is { } current ? $" [{current.Name}]" : "";
        var line = Invariant($"epoch {context.Epoch + 1}/{context.Epochs}{phase}  train loss {m.GetValueOrDefault("train_loss"):F4} acc {m.GetValueOrDefault("train_accuracy"):P1}");
        if (m.TryGetValue("train_source_loss", out var source)) line += Invariant($"  source loss {source:F4} acc {m.GetValueOrDefault("train_source_accuracy"):P1}");
        if (m.TryGetValue("val_accuracy", out var val)) line += Invariant($"  val loss {m.GetValueOrDefault("val_loss"):F4} acc {val:P1}");
        line += $"  elapsed {Format(_clock.Elapsed)}  ETA {Eta(context)}";
        _out.WriteLine((_live ? "\r\u001b[K" : "") + line);
    }

    /// <inheritdoc />
    public void AfterFit(TrainingContext context)
    {
        if (context.StopReason is { } reason) _out.WriteLine($"stopped: {reason}");
    }

    string Eta(TrainingContext context)
    {
        var done = context.GlobalStep - _startStep;
        var total = (long)context.Epochs * context.BatchesPerEpoch;
        var left = total - (context.Epoch * (long)context.BatchesPerEpoch + context.BatchIndex + 1);
        if (done <= 0 || left <= 0) return "-";
        return Format(TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / done * left));
    }

    static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
