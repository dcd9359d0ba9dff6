namespace TransferGen.Cli.Progress;

/// <summary>
/// The progress of training runs, shown in one <see cref="IProgressView"/>: a live display on a terminal, plain lines
/// in a log. It knows nothing of the training engine: <see cref="ProgressCallback"/> feeds it from the training loop's
/// events and <see cref="RangeTestProgress"/> from lr-find's steps. One instance may show several runs in turn (a
/// benchmark's); disposing it ends a run still open, so a command's <c>using</c> tears the display down whatever happens.
/// </summary>
/// <param name="view">Where the progress is shown.</param>
/// <param name="clock">Time source; tests pass a manual one.</param>
public sealed class RunProgress(IProgressView view, TimeProvider? clock = null) : IDisposable
{
    static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(100);

    readonly TimeProvider _clock = clock ?? TimeProvider.System;
    ProgressMeter? _meter;
    ProgressFormat _format = ProgressFormat.Classifier;
    long _lastUpdate;

    /// <summary>
    /// Progress on stderr: live when stderr is a terminal that understands ANSI and stdout is not reserved for JSON
    /// (<paramref name="json"/>), otherwise plain lines with a periodic line every <see cref="PlainProgressView.DefaultInterval"/>.
    /// </summary>
    public static RunProgress ForStderr(bool json) =>
        new(CliConsole.LiveProgress(json) ? new LiveProgressView(CliConsole.Error) : new PlainProgressView(Console.Error, PlainProgressView.DefaultInterval));

    /// <summary>Starts showing a run (ending the previous one if it is still open).</summary>
    public void BeginRun(RunShape shape, ProgressFormat format)
    {
        ArgumentNullException.ThrowIfNull(shape);
        EndRun(null);
        _format = format;
        _meter = new ProgressMeter(_clock, shape, format);
        view.Begin(shape);
        Show();
    }

    /// <summary>An epoch (counted from 0) starts, in the named fine-tune phase or none.</summary>
    public void BeginEpoch(int epoch, string? phase)
    {
        if (_meter is null) return;
        _meter.BeginEpoch(epoch, phase);
        Show();
    }

    /// <summary>A batch (counted from 0 within the epoch) of <paramref name="images"/> images was trained, with these step figures.</summary>
    public void Batch(int batchIndex, int images, IReadOnlyDictionary<string, double> step)
    {
        if (_meter is null) return;
        _meter.Batch(batchIndex, images, step);
        if (_clock.GetElapsedTime(_lastUpdate) >= RefreshInterval) Show();
    }

    /// <summary>The epoch ended with these figures: prints its summary line.</summary>
    public void EndEpoch(IReadOnlyDictionary<string, double> metrics)
    {
        if (_meter is null) return;
        view.Line(_format.Summary(_meter.EndEpoch(metrics)));
    }

    /// <summary>
    /// Long work outside the batches (feature caching, validation) has done <paramref name="done"/> of
    /// <paramref name="total"/> images: a line with its pace and ETA once it has run for <see cref="ActivityInterval"/>,
    /// then every interval and at its end, so short validations print nothing.
    /// </summary>
    public void Activity(string name, long done, long total)
    {
        var now = _clock.GetTimestamp();
        if (done == 0 || _activity != name)
        {
            (_activity, _activityStart, _activityLine) = (name, now, now);
            return;
        }
        var finished = done >= total;
        if (_clock.GetElapsedTime(_activityLine, now) < ActivityInterval && !(finished && _activityLine != _activityStart)) return;
        if (finished && _clock.GetElapsedTime(_activityStart, now) < ActivityInterval) return;
        _activityLine = now;
        var elapsed = _clock.GetElapsedTime(_activityStart, now);
        var rate = done / Math.Max(elapsed.TotalSeconds, 1e-9);
        view.Line(finished
            ? Invariant($"{name}: {done:N0} images in {ProgressText.Duration(elapsed)} ({rate:F0} img/s)")
            : Invariant($"{name}: {done:N0}/{total:N0} images  {rate:F0} img/s  ETA {ProgressText.Duration(TimeSpan.FromSeconds((total - done) / rate))}"));
    }

    /// <summary>How long an activity runs before its first progress line, and the time between lines.</summary>
    public static readonly TimeSpan ActivityInterval = TimeSpan.FromSeconds(10);

    string? _activity;
    long _activityStart, _activityLine;

    static string Invariant(FormattableString s) => s.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A line of text, above the live display or in the log.</summary>
    public void Line(string text) => view.Line(text);

    /// <summary>The run ended (<paramref name="stopReason"/>: why a callback stopped it early, or null): removes the live display.</summary>
    public void EndRun(string? stopReason)
    {
        if (_meter is null) return;
        _meter = null;
        view.End();
        if (stopReason is not null && _format.ShowStopReason) view.Line($"stopped: {stopReason}");
    }

    /// <summary>Ends a run still open.</summary>
    public void Dispose() => EndRun(null);

    void Show()
    {
        _lastUpdate = _clock.GetTimestamp();
        view.Update(_meter!.Snapshot());
    }
}
