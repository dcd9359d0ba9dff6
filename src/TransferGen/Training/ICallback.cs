namespace TransferGen.Training;

/// <summary>
/// Something that hooks into the training loop at its named events. Every method has an empty default, so a
/// callback implements only the events it cares about. Features such as progress display, checkpoints, early
/// stopping, schedules, gradient clipping and divergence detection are callbacks; the loop itself never changes
/// to add one.
/// </summary>
/// <remarks>
/// Per batch the events run in this order: <see cref="BeforeBatch"/>, then for every optimiser update the step makes
/// (one for a classifier, two for a GAN: D, then G) <see cref="AfterLoss"/>, <see cref="AfterBackward"/> and
/// <see cref="AfterStep"/>, then <see cref="AfterBatch"/>. A run that is cancelled (Ctrl-C) gets
/// <see cref="AfterCancel"/> instead of the rest of its epoch, then <see cref="AfterFit"/>.
/// </remarks>
public interface ICallback
{
    /// <summary>Order among callbacks: lower runs first at every event (default 0).</summary>
    int Order => 0;

    /// <summary>Once, before the first epoch (after a resume, before the first remaining batch).</summary>
    void BeforeFit(TrainingContext context) { }

    /// <summary>Before each epoch's first batch.</summary>
    void BeforeEpoch(TrainingContext context) { }

    /// <summary>Before each training step; <see cref="TrainingContext.Batch"/> is the batch about to be used.</summary>
    void BeforeBatch(TrainingContext context) { }

    /// <summary>
    /// After the step computed a loss, before its backward pass. <see cref="OptimizerStep.Loss"/> may be replaced
    /// (scaled for gradient accumulation, say).
    /// </summary>
    void AfterLoss(TrainingContext context, OptimizerStep step) { }

    /// <summary>
    /// After the backward pass, when the gradients of <see cref="OptimizerStep.Optimizer"/>'s parameters are ready and
    /// before it steps: gradient clipping, accumulation (<see cref="OptimizerStep.SkipStep"/>) and averaging across
    /// processes hook in here.
    /// </summary>
    void AfterBackward(TrainingContext context, OptimizerStep step) { }

    /// <summary>After the optimiser stepped (not called for a step skipped to accumulate gradients).</summary>
    void AfterStep(TrainingContext context, OptimizerStep step) { }

    /// <summary>After each training step; <see cref="TrainingContext.LastStep"/> holds its losses and metrics.</summary>
    void AfterBatch(TrainingContext context) { }

    /// <summary>After the epoch's training batches, before validation.</summary>
    void BeforeValidate(TrainingContext context) { }

    /// <summary>After validation; <see cref="TrainingContext.EpochMetrics"/> holds training and validation figures.</summary>
    void AfterValidate(TrainingContext context) { }

    /// <summary>At the end of each epoch (checkpoints, plots, early stopping decisions).</summary>
    void AfterEpoch(TrainingContext context) { }

    /// <summary>
    /// When the run's <see cref="CancellationToken"/> stopped it after a batch, in the middle of
    /// <see cref="TrainingContext.Epoch"/> (<see cref="TrainingContext.BatchIndex"/> batches of it done): the place to
    /// write a checkpoint that a resume continues from that batch.
    /// </summary>
    void AfterCancel(TrainingContext context) { }

    /// <summary>
    /// Progress of long work the run does outside its training batches (a fine-tune computing its cached features,
    /// validation of a large split), reported by the task through <see cref="TrainingContext.ReportActivity"/>.
    /// </summary>
    void Activity(TrainingContext context, TrainingActivity activity) { }

    /// <summary>Once, when training ends: normally, stopped by a callback, cancelled or by an exception.</summary>
    void AfterFit(TrainingContext context) { }
}

/// <summary>
/// A callback with state that a resumed run must get back (the best score so far, an adaptive probability, ...).
/// The checkpoint writer stores <see cref="SaveState"/> under <see cref="StateKey"/>; a resume hands it back through
/// <see cref="RestoreState"/> before <see cref="ICallback.BeforeFit"/>.
/// </summary>
public interface ICheckpointedCallback : ICallback
{
    /// <summary>Name of the state inside the checkpoint; unique among a run's callbacks.</summary>
    string StateKey { get; }

    /// <summary>The state to store, as JSON.</summary>
    System.Text.Json.Nodes.JsonNode SaveState();

    /// <summary>Takes back a state written by <see cref="SaveState"/>.</summary>
    void RestoreState(System.Text.Json.Nodes.JsonNode state);
}

/// <summary>How far a piece of work outside the training batches has got.</summary>
/// <param name="Name">What is being done ("caching backbone features of the train split").</param>
/// <param name="Done">Items (images) done so far.</param>
/// <param name="Total">Items in all.</param>
public sealed record TrainingActivity(string Name, long Done, long Total);
