namespace TransferGen.Training;

/// <summary>
/// Something that hooks into the training loop at its named events. Every method has an empty default, so a
/// callback implements only the events it cares about. Features such as progress display, checkpoints, early
/// stopping and divergence detection are callbacks; the loop itself never changes to add one.
/// </summary>
public interface ICallback
{
    /// <summary>Order among callbacks: lower runs first at every event (default 0).</summary>
    int Order => 0;

    /// <summary>Once, before the first epoch (after a resume, before the first remaining epoch).</summary>
    void BeforeFit(TrainingContext context) { }

    /// <summary>Before each epoch's first batch.</summary>
    void BeforeEpoch(TrainingContext context) { }

    /// <summary>Before each training step; <see cref="TrainingContext.Batch"/> is the batch about to be used.</summary>
    void BeforeBatch(TrainingContext context) { }

    /// <summary>After each training step; <see cref="TrainingContext.LastStep"/> holds its losses and metrics.</summary>
    void AfterBatch(TrainingContext context) { }

    /// <summary>After the epoch's training batches, before validation.</summary>
    void BeforeValidate(TrainingContext context) { }

    /// <summary>After validation; <see cref="TrainingContext.EpochMetrics"/> holds training and validation figures.</summary>
    void AfterValidate(TrainingContext context) { }

    /// <summary>At the end of each epoch (checkpoints, plots, early stopping decisions).</summary>
    void AfterEpoch(TrainingContext context) { }

    /// <summary>Once, when training ends normally or is stopped by a callback.</summary>
    void AfterFit(TrainingContext context) { }
}
