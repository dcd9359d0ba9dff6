using System.Globalization;
using Spectre.Console;
using static TorchSharp.torch;

namespace TransferGen.Cli.Progress;

/// <summary>
/// Progress of work that is not a training run of ours (feature extraction for FID, the benchmarks whose training
/// happens inside the library): on a terminal a Spectre.Console spinner with a status text; otherwise the title as
/// one line, then a status line whenever <paramref name="interval"/> has passed without one.
/// </summary>
/// <param name="live">The console for the spinner, or null for plain lines.</param>
/// <param name="plain">Where plain lines go.</param>
/// <param name="interval">Least time between two plain status lines.</param>
/// <param name="clock">Time source; tests pass a manual one.</param>
public sealed class ActivityProgress(IAnsiConsole? live, TextWriter plain, TimeSpan interval, TimeProvider? clock = null)
{
    readonly TimeProvider _clock = clock ?? TimeProvider.System;
    StatusContext? _status;
    long _lastLine;

    /// <summary>On stderr, live or plain as <see cref="RunProgress.ForStderr"/> decides.</summary>
    public static ActivityProgress ForStderr(bool json) =>
        new(CliConsole.LiveProgress(json) ? CliConsole.Error : null, Console.Error, PlainProgressView.DefaultInterval);

    /// <summary>Runs <paramref name="work"/> under a spinner titled <paramref name="title"/> (plain: prints the title first).</summary>
    public T Run<T>(string title, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (live is null)
        {
            Line(title);
            return work();
        }
        return live.Status().Spinner(Spinner.Known.Dots).Start(Markup.Escape(title), context =>
        {
            _status = context;
            try
            {
                return work();
            }
            finally
            {
                _status = null;
            }
        });
    }

    /// <summary>The work has moved on: the spinner's text, or (plain) a line if the interval has passed.</summary>
    public void Report(string text)
    {
        if (_status is { } status) status.Status = Markup.Escape(text);
        else if (live is null && _clock.GetElapsedTime(_lastLine) >= interval) Line(text);
    }

    /// <summary>
    /// Passes <paramref name="batches"/> through, reporting after each how many of <paramref name="total"/> images of
    /// <paramref name="what"/> have been used, at what speed, and the time left.
    /// </summary>
    public IEnumerable<Tensor> Counting(IEnumerable<Tensor> batches, string what, long total)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var start = _clock.GetTimestamp();
        long seen = 0;
        foreach (var batch in batches)
        {
            // Read the size before handing the batch on: the consumer may dispose it before asking for the next.
            var size = batch.shape[0];
            yield return batch;
            seen += size;
            var seconds = _clock.GetElapsedTime(start).TotalSeconds;
            var speed = seconds > 0 ? seen / seconds : (double?)null;
            TimeSpan? left = speed is { } s && total > seen ? TimeSpan.FromSeconds((total - seen) / s) : null;
            Report(string.Create(CultureInfo.InvariantCulture,
                $"features of {what}: {seen}/{total} images  {ProgressText.Speed(speed)} img/s  ETA {ProgressText.Duration(left)}"));
        }
        // The spinner stays up while the scores are computed from the features.
        Report($"features of {what}: {seen} images done");
    }

    void Line(string text)
    {
        plain.WriteLine(text);
        _lastLine = _clock.GetTimestamp();
    }
}
