namespace TransferGen.Training.Callbacks;

/// <summary>
/// Keeps the step figures (<see cref="TrainingContext.LastStep"/>: a GAN's d_loss and g_loss, a classifier's loss) as
/// means over windows of <see cref="Window"/> steps: a curve for runs whose epochs are too few to draw one (a GAN trained
/// for one long epoch).
/// </summary>
public sealed class StepMetricsHistory(int window = 20) : ICallback
{
    readonly Dictionary<string, double> _sums = new(StringComparer.Ordinal);
    int _count;

    /// <summary>Steps averaged into one point.</summary>
    public int Window { get; } = window >= 1 ? window : throw new ArgumentOutOfRangeException(nameof(window), window, "the window must be at least one step");

    /// <summary>One point per finished window: the global step it ends at and the mean of each figure over it.</summary>
    public List<(long Step, IReadOnlyDictionary<string, double> Means)> Points { get; } = [];

    /// <inheritdoc />
    public void AfterBatch(TrainingContext context)
    {
        foreach (var (name, value) in context.LastStep)
            _sums[name] = _sums.GetValueOrDefault(name) + value;
        if (++_count < Window) return;
        Flush(context.GlobalStep);
    }

    /// <inheritdoc />
    public void AfterFit(TrainingContext context)
    {
        // A last, shorter window still shows where the run ended.
        if (_count > 0) Flush(context.GlobalStep);
    }

    void Flush(long step)
    {
        Points.Add((step, _sums.ToDictionary(p => p.Key, p => p.Value / _count, StringComparer.Ordinal)));
        _sums.Clear();
        _count = 0;
    }
}
