using static TorchSharp.torch;

namespace TransferGen.Training;

/// <summary>
/// The one training loop of TransferGen: epochs of batches, one step per batch inside its own DisposeScope, then
/// validation, with callbacks at fixed, named events. What a step does (a classifier's cross-entropy update, a
/// GAN's D-then-G update) is passed in, so fine-tuning, pretraining and GAN training share this loop.
/// </summary>
/// <typeparam name="TBatch">The batch type the data source yields; the loop disposes each batch after its step.</typeparam>
public sealed class TrainingLoop<TBatch> where TBatch : IDisposable
{
    readonly Func<int, IEnumerable<TBatch>> _batches;
    readonly Func<TBatch, TrainingContext, IReadOnlyDictionary<string, double>> _step;
    readonly Func<TrainingContext, IReadOnlyDictionary<string, double>>? _validate;
    readonly List<ICallback> _callbacks;

    /// <summary>Creates the loop.</summary>
    /// <param name="batches">The training batches of an epoch, given the epoch number (so shuffling can depend on it).</param>
    /// <param name="step">One optimisation step on a batch; returns its figures (at least "loss"). Runs inside a DisposeScope.</param>
    /// <param name="validate">Optional evaluation after each epoch; returns figures such as "accuracy" (stored as "val_accuracy").</param>
    /// <param name="callbacks">The callbacks, run in <see cref="ICallback.Order"/> order.</param>
    public TrainingLoop(Func<int, IEnumerable<TBatch>> batches,
        Func<TBatch, TrainingContext, IReadOnlyDictionary<string, double>> step,
        Func<TrainingContext, IReadOnlyDictionary<string, double>>? validate,
        IEnumerable<ICallback> callbacks)
    {
        _batches = batches;
        _step = step;
        _validate = validate;
        _callbacks = callbacks.OrderBy(c => c.Order).ToList();
    }

    /// <summary>Runs epochs <paramref name="context"/>.Epoch .. Epochs-1 and returns the context.</summary>
    public TrainingContext Fit(TrainingContext context)
    {
        Each(c => c.BeforeFit(context));
        try
        {
            for (; context.Epoch < context.Epochs && !context.StopRequested; context.Epoch++)
            {
                RunEpoch(context);
                if (context.StopRequested && context.StopIsFailure) break;
                Each(c => c.AfterEpoch(context));
                context.History.Add(new Dictionary<string, double>(context.EpochMetrics));
            }
        }
        finally
        {
            Each(c => c.AfterFit(context));
        }
        return context;
    }

    void RunEpoch(TrainingContext context)
    {
        context.EpochMetrics.Clear();
        context.BatchIndex = 0;
        Each(c => c.BeforeEpoch(context));

        var sums = new Dictionary<string, double>();
        var steps = 0;
        foreach (var batch in _batches(context.Epoch))
        {
            using (batch)
            {
                context.Batch = batch;
                Each(c => c.BeforeBatch(context));
                using (NewDisposeScope())
                    context.LastStep = _step(batch, context);
                context.GlobalStep++;
                steps++;
                foreach (var (key, value) in context.LastStep)
                    sums[key] = sums.GetValueOrDefault(key) + value;
                Each(c => c.AfterBatch(context));
                context.Batch = null;
            }
            context.BatchIndex++;
            if (context.StopRequested) break;
        }
        foreach (var (key, sum) in sums) context.EpochMetrics["train_" + key] = sum / Math.Max(1, steps);
        if (context.StopRequested && context.StopIsFailure) return;

        Each(c => c.BeforeValidate(context));
        if (_validate != null)
        {
            using (NewDisposeScope())
                foreach (var (key, value) in _validate(context))
                    context.EpochMetrics["val_" + key] = value;
        }
        Each(c => c.AfterValidate(context));
    }

    void Each(Action<ICallback> action)
    {
        foreach (var callback in _callbacks) action(callback);
    }
}
