namespace TransferGen.Cli.Progress;

/// <summary>
/// Progress for a log file, a pipe or CI: the lines it is given (one per epoch), plus the periodic line of
/// <see cref="ProgressText.Line"/> whenever <paramref name="interval"/> has passed without a line, so that a long
/// epoch still shows life. Nothing is rewritten in place.
/// </summary>
/// <param name="writer">Where the lines go (stderr in the tool).</param>
/// <param name="interval">Least time between two lines before a periodic one is written.</param>
/// <param name="clock">Time source; tests pass a manual one.</param>
public sealed class PlainProgressView(TextWriter writer, TimeSpan interval, TimeProvider? clock = null) : IProgressView
{
    /// <summary>The tool's interval: about two lines a minute during a long epoch.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    readonly TimeProvider _clock = clock ?? TimeProvider.System;
    long _lastLine;

    /// <inheritdoc />
    public void Begin(RunShape shape) => _lastLine = _clock.GetTimestamp();

    /// <inheritdoc />
    public void Update(ProgressSnapshot snapshot)
    {
        if (_clock.GetElapsedTime(_lastLine) >= interval) Line(ProgressText.Line(snapshot));
    }

    /// <inheritdoc />
    public void Line(string text)
    {
        writer.WriteLine(text);
        _lastLine = _clock.GetTimestamp();
    }

    /// <inheritdoc />
    public void End()
    {
    }
}
