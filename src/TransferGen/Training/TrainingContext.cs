namespace TransferGen.Training;

/// <summary>
/// The state of one training run as the loop and its callbacks see it. The loop owns it; callbacks read it and
/// may set <see cref="StopRequested"/> (with a <see cref="StopReason"/>) to end training after the current step.
/// </summary>
public sealed class TrainingContext
{
    /// <summary>Total epochs the run is configured for.</summary>
    public int Epochs { get; init; }

    /// <summary>Training batches per epoch (for progress and schedules).</summary>
    public int BatchesPerEpoch { get; init; }

    /// <summary>Current epoch, counted from 0.</summary>
    public int Epoch { get; internal set; }

    /// <summary>Index of the current batch within the epoch.</summary>
    public int BatchIndex { get; internal set; }

    /// <summary>Optimizer steps taken since the run began (continues across resumes).</summary>
    public long GlobalStep { get; set; }

    /// <summary>The batch being trained on, during BeforeBatch/AfterBatch.</summary>
    public object? Batch { get; internal set; }

    /// <summary>The figures the last training step reported (loss and any others, as plain numbers).</summary>
    public IReadOnlyDictionary<string, double> LastStep { get; internal set; } = new Dictionary<string, double>();

    /// <summary>Per-epoch figures: the mean of each step figure ("train_loss", ...) and validation figures ("val_accuracy", ...).</summary>
    public Dictionary<string, double> EpochMetrics { get; } = new();

    /// <summary>Every finished epoch's <see cref="EpochMetrics"/>, in order (continued across resumes).</summary>
    public List<Dictionary<string, double>> History { get; } = new();

    /// <summary>Set by a callback to end training; the loop finishes the current step and returns.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>Why training stopped early, as one sentence (null when it ran to the end).</summary>
    public string? StopReason { get; private set; }

    /// <summary>True when the stop is a failure (divergence) rather than a normal early stop.</summary>
    public bool StopIsFailure { get; private set; }

    /// <summary>Free-form values callbacks share (e.g. the best validation score so far).</summary>
    public Dictionary<string, object> Items { get; } = new();

    /// <summary>Fraction of the whole run completed, 0..1 (for schedules and progress).</summary>
    public double Progress => Epochs * (double)BatchesPerEpoch == 0 ? 1 : (Epoch * (double)BatchesPerEpoch + BatchIndex) / (Epochs * (double)BatchesPerEpoch);

    /// <summary>Asks the loop to stop after the current step.</summary>
    public void RequestStop(string reason, bool failure = false)
    {
        if (StopRequested) return;
        StopRequested = true;
        StopReason = reason;
        StopIsFailure = failure;
    }
}
