namespace TransferGen.Training;

/// <summary>
/// What a kind of training does on its data, for <see cref="TrainingLoop{TBatch}"/>: where the batches come from, what
/// one step on a batch is (a classifier's cross-entropy update, a GAN's D-then-G update) and how an epoch is validated.
/// </summary>
/// <typeparam name="TBatch">The batch type; the loop disposes each batch after its step.</typeparam>
public interface ITrainingTask<TBatch> where TBatch : IDisposable
{
    /// <summary>
    /// The training batches of <paramref name="epoch"/> from batch <paramref name="firstBatch"/> on (0 but for a run
    /// resumed mid-epoch): the same batches an enumeration from 0 hands out there, so a resume repeats nothing.
    /// </summary>
    IEnumerable<TBatch> Batches(int epoch, int firstBatch);

    /// <summary>
    /// One training step on <paramref name="batch"/>, inside its own DisposeScope. Each optimiser update goes through
    /// <see cref="TrainingContext.Minimize"/>, which fires the step events. Returns the step's figures (at least "loss").
    /// </summary>
    IReadOnlyDictionary<string, double> Step(TBatch batch, TrainingContext context);

    /// <summary>Evaluation after each epoch ("accuracy", "loss": stored as "val_accuracy", ...); null when the task has none.</summary>
    IReadOnlyDictionary<string, double>? Validate(TrainingContext context);
}

/// <summary>A <see cref="ITrainingTask{TBatch}"/> made of three functions, for small tasks and tests.</summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
/// <param name="batches">The batches of an epoch from a batch on.</param>
/// <param name="step">One step.</param>
/// <param name="validate">Validation, or null.</param>
public sealed class DelegateTask<TBatch>(
    Func<int, int, IEnumerable<TBatch>> batches,
    Func<TBatch, TrainingContext, IReadOnlyDictionary<string, double>> step,
    Func<TrainingContext, IReadOnlyDictionary<string, double>>? validate = null) : ITrainingTask<TBatch>
    where TBatch : IDisposable
{
    /// <summary>A task whose epochs are enumerated from their start and skipped into on a resume.</summary>
    public DelegateTask(Func<int, IEnumerable<TBatch>> batches,
        Func<TBatch, TrainingContext, IReadOnlyDictionary<string, double>> step,
        Func<TrainingContext, IReadOnlyDictionary<string, double>>? validate = null)
        : this((epoch, first) => Skip(batches(epoch), first), step, validate)
    {
    }

    /// <inheritdoc />
    public IEnumerable<TBatch> Batches(int epoch, int firstBatch) => batches(epoch, firstBatch);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Step(TBatch batch, TrainingContext context) => step(batch, context);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double>? Validate(TrainingContext context) => validate?.Invoke(context);

    static IEnumerable<TBatch> Skip(IEnumerable<TBatch> batches, int first)
    {
        var index = 0;
        foreach (var batch in batches)
        {
            if (index++ < first)
            {
                batch.Dispose();
                continue;
            }
            yield return batch;
        }
    }
}
