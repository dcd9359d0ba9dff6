namespace TransferGen.Cli.Progress;

/// <summary>The size of one training run (one fit) as the progress display needs it.</summary>
/// <param name="FirstEpoch">The epoch this process starts at, counted from 0 (after a resume, the first remaining one).</param>
/// <param name="Epochs">Total epochs of the run, including those a resumed run already did.</param>
/// <param name="BatchesPerEpoch">Training batches per epoch.</param>
public sealed record RunShape(int FirstEpoch, int Epochs, int BatchesPerEpoch);

/// <summary>Where a run stands at one moment, already in the terms the views show.</summary>
public sealed record ProgressSnapshot
{
    /// <summary>"epoch 3/10 [finetune]", or the run's name when it has no epochs to count.</summary>
    public required string Title { get; init; }

    /// <summary>Batches finished in this epoch.</summary>
    public required int Batch { get; init; }

    /// <summary>Batches per epoch.</summary>
    public required int Batches { get; init; }

    /// <summary>Images per second over this epoch's batches so far; null before the first batch.</summary>
    public double? ImagesPerSecond { get; init; }

    /// <summary>The running figures, each formatted with its label ("loss 0.4321").</summary>
    public IReadOnlyList<string> Figures { get; init; } = [];

    /// <summary>Time left in this epoch, validation included; null until a pace is known.</summary>
    public TimeSpan? EpochEta { get; init; }

    /// <summary>Time left in the whole run; null until a pace is known.</summary>
    public TimeSpan? RunEta { get; init; }

    /// <summary>Time since this process began the run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Epochs finished in this process plus the fraction of the current one, for the run's bar.</summary>
    public double EpochsDone { get; init; }

    /// <summary>Epochs this process runs in all (the run's epochs less those done before a resume).</summary>
    public int EpochsToRun { get; init; }

    /// <summary>True during the run's last epoch, when the run's ETA is the epoch's.</summary>
    public bool IsLastEpoch { get; init; }
}

/// <summary>What an epoch's summary line is made from.</summary>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="Epochs">Total epochs of the run.</param>
/// <param name="Phase">The fine-tune phase of the epoch, or null.</param>
/// <param name="Metrics">The epoch's figures as the training loop recorded them (train_loss, val_accuracy, ...).</param>
/// <param name="Elapsed">Time since this process began the run.</param>
/// <param name="RunEta">Time left in the run at the pace of this epoch; null when unknown.</param>
public sealed record EpochEnd(int Epoch, int Epochs, string? Phase, IReadOnlyDictionary<string, double> Metrics, TimeSpan Elapsed, TimeSpan? RunEta);
