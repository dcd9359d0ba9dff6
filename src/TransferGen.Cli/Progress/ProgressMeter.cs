namespace TransferGen.Cli.Progress;

/// <summary>
/// The arithmetic of progress: the pace of the batches, images per second, running figures and the time left. The
/// time left assumes the remaining batches go at this epoch's pace (the last epoch's before its first batch), and adds
/// the time the last epoch spent outside its batches (validation, checkpoints) once per remaining epoch; so the ETA of
/// a fine-tune's fast probe phase underestimates the slower phase after it until that phase starts.
/// </summary>
internal sealed class ProgressMeter
{
    readonly TimeProvider _clock;
    readonly RunShape _shape;
    readonly ProgressFormat _format;
    readonly long _runStart;
    readonly double[] _sums, _last;
    readonly int[] _counts;
    long _epochStart, _lastBatchEnd;
    int _epoch, _batch;
    long _images;
    string? _phase;
    double? _lastPace;
    double _overhead;

    public ProgressMeter(TimeProvider clock, RunShape shape, ProgressFormat format)
    {
        _clock = clock;
        _shape = shape;
        _format = format;
        _runStart = _epochStart = _lastBatchEnd = clock.GetTimestamp();
        _epoch = shape.FirstEpoch;
        _sums = new double[format.Figures.Count];
        _last = new double[format.Figures.Count];
        _counts = new int[format.Figures.Count];
    }

    public void BeginEpoch(int epoch, string? phase)
    {
        _epoch = epoch;
        _phase = phase;
        _batch = 0;
        _images = 0;
        Array.Clear(_sums);
        Array.Clear(_counts);
        _epochStart = _lastBatchEnd = _clock.GetTimestamp();
    }

    /// <param name="batchIndex">The batch just trained, counted from 0 within the epoch.</param>
    /// <param name="images">Images in it (0 when unknown).</param>
    /// <param name="step">The figures the step reported.</param>
    public void Batch(int batchIndex, int images, IReadOnlyDictionary<string, double> step)
    {
        _batch = batchIndex + 1;
        _images += images;
        for (var i = 0; i < _format.Figures.Count; i++)
        {
            if (!step.TryGetValue(_format.Figures[i].Key, out var value)) continue;
            _sums[i] += value;
            _last[i] = value;
            _counts[i]++;
        }
        _lastBatchEnd = _clock.GetTimestamp();
    }

    public ProgressSnapshot Snapshot()
    {
        var batchSeconds = Seconds(_epochStart, _lastBatchEnd);
        var pace = _batch > 0 ? batchSeconds / _batch : _lastPace;
        TimeSpan? epochLeft = null, runLeft = null;
        if (pace is { } p)
        {
            var epochSeconds = p * Math.Max(0, _shape.BatchesPerEpoch - _batch) + _overhead;
            epochLeft = Span(epochSeconds);
            runLeft = Span(epochSeconds + LaterEpochs * (p * _shape.BatchesPerEpoch + _overhead));
        }
        var figures = new List<string>();
        for (var i = 0; i < _format.Figures.Count; i++)
        {
            if (_counts[i] == 0) continue;
            var figure = _format.Figures[i];
            figures.Add($"{figure.Label} {figure.Format(figure.Mean ? _sums[i] / _counts[i] : _last[i])}");
        }
        return new ProgressSnapshot
        {
            Title = Title,
            Batch = _batch,
            Batches = _shape.BatchesPerEpoch,
            ImagesPerSecond = _images > 0 && batchSeconds > 0 ? _images / batchSeconds : null,
            Figures = figures,
            EpochEta = epochLeft,
            RunEta = runLeft,
            Elapsed = _clock.GetElapsedTime(_runStart),
            EpochsDone = _epoch - _shape.FirstEpoch + (double)_batch / Math.Max(1, _shape.BatchesPerEpoch),
            EpochsToRun = Math.Max(0, _shape.Epochs - _shape.FirstEpoch),
            IsLastEpoch = LaterEpochs == 0,
        };
    }

    /// <summary>Closes the epoch: its pace and its time outside the batches become the estimate for the rest.</summary>
    public EpochEnd EndEpoch(IReadOnlyDictionary<string, double> metrics)
    {
        var now = _clock.GetTimestamp();
        if (_batch > 0) _lastPace = Seconds(_epochStart, _lastBatchEnd) / _batch;
        _overhead = Seconds(_lastBatchEnd, now);
        TimeSpan? runLeft = _lastPace is { } p ? Span(LaterEpochs * (p * _shape.BatchesPerEpoch + _overhead)) : null;
        return new EpochEnd(_epoch + 1, _shape.Epochs, _phase, metrics, _clock.GetElapsedTime(_runStart, now), runLeft);
    }

    int LaterEpochs => Math.Max(0, _shape.Epochs - _epoch - 1);

    string Title => _format.Name ?? $"epoch {_epoch + 1}/{_shape.Epochs}" + (_phase is null ? "" : $" [{_phase}]");

    double Seconds(long from, long to) => _clock.GetElapsedTime(from, to).TotalSeconds;

    static TimeSpan Span(double seconds) => TimeSpan.FromSeconds(Math.Max(0, seconds));
}
