using static TorchSharp.torch;

namespace TransferGen.Training;

/// <summary>
/// The one training loop of TransferGen, in the shape of fastai's Learner: epochs of batches, one step per batch
/// inside its own DisposeScope, then validation, with callbacks at fixed, named events (see <see cref="ICallback"/>).
/// What a step does comes from the <see cref="ITrainingTask{TBatch}"/>, so fine-tuning, pretraining, the learning-rate
/// finder and GAN training share this loop, its callbacks, its checkpoint format and its cancellation.
/// </summary>
/// <typeparam name="TBatch">The batch type the task yields; the loop disposes each batch after its step.</typeparam>
public sealed class TrainingLoop<TBatch> where TBatch : IDisposable
{
    readonly ITrainingTask<TBatch> _task;
    readonly List<ICallback> _callbacks;

    /// <summary>Creates the loop over <paramref name="task"/> with <paramref name="callbacks"/> (run in <see cref="ICallback.Order"/> order).</summary>
    public TrainingLoop(ITrainingTask<TBatch> task, IEnumerable<ICallback> callbacks)
    {
        _task = task;
        _callbacks = callbacks.OrderBy(c => c.Order).ToList();
        var keys = _callbacks.OfType<ICheckpointedCallback>().GroupBy(c => c.StateKey).FirstOrDefault(g => g.Count() > 1);
        if (keys is not null) throw new ArgumentException($"two callbacks keep their checkpoint state under '{keys.Key}'", nameof(callbacks));
    }

    /// <summary>A loop over a task made of functions (see <see cref="DelegateTask{TBatch}"/>).</summary>
    public TrainingLoop(Func<int, IEnumerable<TBatch>> batches,
        Func<TBatch, TrainingContext, IReadOnlyDictionary<string, double>> step,
        Func<TrainingContext, IReadOnlyDictionary<string, double>>? validate,
        IEnumerable<ICallback> callbacks)
        : this(new DelegateTask<TBatch>(batches, step, validate), callbacks)
    {
    }

    /// <summary>
    /// Runs epochs <paramref name="context"/>.Epoch .. Epochs-1 and returns the context. When
    /// <paramref name="cancellationToken"/> is triggered the loop stops after the current batch, runs
    /// <see cref="ICallback.AfterCancel"/> and <see cref="ICallback.AfterFit"/>, and throws
    /// <see cref="TrainingCancelledException"/>.
    /// </summary>
    public TrainingContext Fit(TrainingContext context, CancellationToken cancellationToken = default)
    {
        context.Begin(_callbacks, cancellationToken);
        foreach (var callback in _callbacks.OfType<ICheckpointedCallback>())
            if (context.PendingCallbackStates.TryGetValue(callback.StateKey, out var state))
            {
                try
                {
                    callback.RestoreState(state);
                }
                catch (Exception e) when (e is InvalidOperationException or FormatException or System.Text.Json.JsonException
                                              or KeyNotFoundException or ArgumentException or NullReferenceException or OverflowException)
                {
                    // The state came from a file: a damaged one is the user's input, not a bug of the callback.
                    var source = context.Resuming?.Path ?? "the checkpoint";
                    throw new InputException($"{source} is damaged: the saved state of '{callback.StateKey}' cannot be restored ({e.Message}).", e);
                }
            }
        Each(c => c.BeforeFit(context));
        try
        {
            for (; context.Epoch < context.Epochs && !context.StopRequested; context.Epoch++)
            {
                RunEpoch(context);
                if (context.Stop == StopKind.Cancelled)
                {
                    Each(c => c.AfterCancel(context));
                    break;
                }
                if (context.StopIsFailure) break;
                Each(c => c.AfterEpoch(context));
                context.History.Add(new Dictionary<string, double>(context.EpochMetrics));
            }
        }
        catch
        {
            // The fit failed (a full disk, say): every callback still ends, and a second failure while ending (the same
            // full disk) must not hide the first, which is the one that says what went wrong.
            foreach (var callback in _callbacks)
            {
                try
                {
                    callback.AfterFit(context);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InputException) { }
            }
            context.End();
            throw;
        }
        Each(c => c.AfterFit(context));
        context.End();
        if (context.Stop == StopKind.Cancelled)
            throw new TrainingCancelledException(context.Epoch, context.Epochs, context.BatchIndex, context.BatchesPerEpoch,
                context.GlobalStep, _callbacks.OfType<Callbacks.CheckpointWriter>().FirstOrDefault()?.Folder, cancellationToken);
        return context;
    }

    void RunEpoch(TrainingContext context)
    {
        var first = context.FirstBatch;
        context.FirstBatch = 0;
        context.EpochMetrics.Clear();
        context.BatchIndex = first;
        if (first == 0)
        {
            context.StepSums = new Dictionary<string, double>();
            context.StepCount = 0;
        }
        Each(c => c.BeforeEpoch(context));

        var token = context.CancellationToken;
        using (var batches = _task.Batches(context.Epoch, first).GetEnumerator())
        {
            while (true)
            {
                if (token.IsCancellationRequested)
                {
                    context.RequestStop("cancelled", StopKind.Cancelled);
                    break;
                }
                if (!batches.MoveNext()) break;
                using (var batch = batches.Current)
                {
                    context.Batch = batch;
                    context.BatchImages = batch is Data.Batch b ? b.Count : 0;
                    Each(c => c.BeforeBatch(context));
                    using (NewDisposeScope())
                        context.LastStep = _task.Step(batch, context);
                    context.GlobalStep++;
                    context.StepCount++;
                    foreach (var (key, value) in context.LastStep)
                        context.StepSums[key] = context.StepSums.GetValueOrDefault(key) + value;
                    Each(c => c.AfterBatch(context));
                    context.Batch = null;
                }
                context.BatchIndex++;
                if (context.StopRequested) break;
            }
        }
        foreach (var (key, sum) in context.StepSums) context.EpochMetrics["train_" + key] = sum / Math.Max(1, context.StepCount);
        if (context.Stop is StopKind.Failure or StopKind.Cancelled) return;

        Each(c => c.BeforeValidate(context));
        using (NewDisposeScope())
            if (_task.Validate(context) is { } figures)
                foreach (var (key, value) in figures)
                    context.EpochMetrics["val_" + key] = value;
        Each(c => c.AfterValidate(context));
    }

    void Each(Action<ICallback> action)
    {
        foreach (var callback in _callbacks) action(callback);
    }
}
