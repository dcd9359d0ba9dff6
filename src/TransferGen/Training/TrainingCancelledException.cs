namespace TransferGen.Training;

/// <summary>
/// Thrown by <see cref="TrainingLoop{TBatch}.Fit"/> when its cancellation token stopped the run after a batch. The
/// callbacks have had <see cref="ICallback.AfterCancel"/> and <see cref="ICallback.AfterFit"/>; a run with a run folder
/// has written a checkpoint there that a resume continues from the next batch.
/// </summary>
public sealed class TrainingCancelledException : OperationCanceledException
{
    /// <summary>Creates the exception for a run stopped in <paramref name="epoch"/> after <paramref name="batchesDone"/> of its batches.</summary>
    public TrainingCancelledException(int epoch, int epochs, int batchesDone, int batchesPerEpoch, long globalStep,
        string? runFolder, CancellationToken token)
        : base(Describe(epoch, epochs, batchesDone, batchesPerEpoch, runFolder), token)
    {
        Epoch = epoch;
        BatchesDone = batchesDone;
        GlobalStep = globalStep;
        RunFolder = runFolder;
    }

    /// <summary>The epoch that was running (from 0).</summary>
    public int Epoch { get; }

    /// <summary>Batches of it that were done.</summary>
    public int BatchesDone { get; }

    /// <summary>Optimiser steps taken by the whole run.</summary>
    public long GlobalStep { get; }

    /// <summary>The run folder holding the checkpoint to resume from, or null for a run kept in memory.</summary>
    public string? RunFolder { get; init; }

    static string Describe(int epoch, int epochs, int done, int perEpoch, string? run) =>
        $"stopped in epoch {epoch + 1}/{epochs} after batch {done}/{perEpoch}" +
        (run is null ? "; nothing was saved" : $"; the checkpoint in {run} continues from there with --resume");
}
