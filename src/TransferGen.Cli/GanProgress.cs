using System.Diagnostics;
using System.Globalization;
using TransferGen.Training;

namespace TransferGen.Cli;

/// <summary>
/// Progress of a GAN run on stderr: a line with the running D/G losses, speed and ETA about every
/// <paramref name="interval"/>, and a summary line per epoch. Plain lines rather than a redrawn bar, so logs and
/// pipes stay readable.
/// </summary>
/// <param name="interval">Least time between two progress lines.</param>
public sealed class GanProgress(TimeSpan interval) : ICallback
{
    readonly Stopwatch _clock = new();
    TimeSpan _lastPrint;
    long _firstStep;
    double _dSum, _gSum;
    int _count;

    static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void BeforeFit(TrainingContext context)
    {
        _clock.Restart();
        _firstStep = context.GlobalStep;
    }

    /// <inheritdoc />
    public void BeforeEpoch(TrainingContext context) => (_dSum, _gSum, _count) = (0, 0, 0);

    /// <inheritdoc />
    public void AfterBatch(TrainingContext context)
    {
        _dSum += context.LastStep.GetValueOrDefault("d_loss");
        _gSum += context.LastStep.GetValueOrDefault("g_loss");
        _count++;
        if (_clock.Elapsed - _lastPrint < interval) return;
        _lastPrint = _clock.Elapsed;
        var done = context.GlobalStep - _firstStep;
        var remaining = (long)(context.Epochs - context.Epoch) * context.BatchesPerEpoch - (context.BatchIndex + 1);
        var perStep = _clock.Elapsed.TotalSeconds / Math.Max(1, done);
        Console.Error.WriteLine(
            $"epoch {context.Epoch + 1}/{context.Epochs} step {context.BatchIndex + 1}/{context.BatchesPerEpoch}  " +
            $"D {F(_dSum / _count)}  G {F(_gSum / _count)}  {F(1 / perStep)} steps/s  ETA {Eta(remaining * perStep)}");
    }

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        var m = context.EpochMetrics;
        Console.Error.WriteLine(
            $"epoch {context.Epoch + 1}/{context.Epochs} done in {m.GetValueOrDefault("epoch_seconds"):0.0} s: " +
            $"d_loss {F(m.GetValueOrDefault("train_d_loss"))}  g_loss {F(m.GetValueOrDefault("train_g_loss"))}  " +
            $"d_real {F(m.GetValueOrDefault("train_d_real"))}  d_fake {F(m.GetValueOrDefault("train_d_fake"))}");
    }

    static string Eta(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
    }
}
