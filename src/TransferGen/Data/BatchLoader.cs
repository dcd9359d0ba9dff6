using TransferGen.Data.Transforms;

namespace TransferGen.Data;

/// <summary>
/// Turns a split into batches (<see cref="Batch"/>: float32 images [B, C, H, W], int64 labels [B]) for training,
/// reading and transforming the next batches on background threads while the current one is used.
/// </summary>
/// <remarks>
/// <para>Reproducible: the order of an epoch is a pure function of (seed, epoch) and each image's augmentation
/// of (seed, epoch, image index), so results do not depend on the number of workers or on thread timing.</para>
/// <para>Ownership: every batch handed out belongs to the consumer, outside any DisposeScope; dispose it
/// (<c>using var batch</c>) or attach it to a scope (<see cref="Batch.AttachTo"/>). Batches built ahead and
/// never handed out are disposed by the loader.</para>
/// <para>Stopping early is safe: leaving the foreach (break, exception, cancellation) stops the workers and
/// frees what they built. An exception in a worker (a corrupt image) is rethrown to the consumer when it
/// reaches the batch concerned.</para>
/// </remarks>
public sealed class BatchLoader
{
    readonly BatchBuilder _builder;

    /// <summary>Creates a loader for <paramref name="split"/>.</summary>
    /// <param name="split">The images; its <see cref="ImageSplit.Read"/> must be thread-safe.</param>
    /// <param name="transform">The pipeline from uint8 [C, H, W] to float32 [C, H, W], shared by all workers.</param>
    /// <param name="options">Batch size, shuffling, seed, workers; defaults when null.</param>
    public BatchLoader(ImageSplit split, ITransform transform, BatchLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(transform);
        options ??= new BatchLoaderOptions();
        options.Validate();
        Split = split;
        Transform = transform;
        Options = options;
        _builder = new BatchBuilder(split, transform, options.Seed);
    }

    /// <summary>The split read.</summary>
    public ImageSplit Split { get; }

    /// <summary>The pipeline applied to each image.</summary>
    public ITransform Transform { get; }

    /// <summary>The options in force.</summary>
    public BatchLoaderOptions Options { get; }

    /// <summary>Images per epoch: <see cref="BatchLoaderOptions.EpochLength"/>, or the split's size.</summary>
    public int EpochLength => Options.EpochLength ?? Split.Count;

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => Options.DropLast
        ? EpochLength / Options.BatchSize
        : (EpochLength + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>True when batches are gathered in one step from a tensor-backed split (no random transforms).</summary>
    public bool GathersWholeBatches => _builder.GathersWholeBatches;

    /// <summary>The order in which <paramref name="epoch"/> visits the images (split indices).</summary>
    public int[] Order(int epoch) => Options.EpochLength is int length && Split.Count > 0
        ? DataRandom.EpochWindow(Split.Count, Options.Seed, epoch, length, Options.Shuffle)
        : Options.Shuffle
            ? DataRandom.ShuffledOrder(Split.Count, Options.Seed, epoch)
            : Enumerable.Range(0, Split.Count).ToArray();

    /// <summary>
    /// The batches of <paramref name="epoch"/>, in order. Each enumeration starts its own workers on the first
    /// MoveNext; <paramref name="cancellationToken"/> stops a wait for the next batch with
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, CancellationToken cancellationToken = default) =>
        EpochFrom(epoch, 0, cancellationToken);

    /// <summary>
    /// The batches of <paramref name="epoch"/> from batch <paramref name="firstBatch"/> on, the same batches
    /// <see cref="Epoch"/> hands out there; the skipped ones are never built (a resume continues mid-epoch this way).
    /// </summary>
    public IEnumerable<Batch> EpochFrom(int epoch, int firstBatch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstBatch);
        return new EnumerableOf(() => new PrefetchingEnumerator(_builder, Chunk(Order(epoch)).Skip(firstBatch).ToArray(), epoch,
            Options.Workers, Options.Prefetch, cancellationToken));
    }

    /// <summary>
    /// The batches of <paramref name="split"/> in split order, built on the calling thread, without
    /// augmentation randomness (seed 0, epoch 0) and with a smaller last batch: the loader for evaluation.
    /// The consumer owns each batch, as with <see cref="Epoch"/>.
    /// </summary>
    public static IEnumerable<Batch> Batches(ImageSplit split, ITransform transform, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var builder = new BatchBuilder(split, transform, seed: 0);
        return Enumerable.Range(0, split.Count).Chunk(batchSize).Select(indices => builder.Build(indices, epoch: 0));
    }

    int[][] Chunk(int[] order)
    {
        var batches = order.Chunk(Options.BatchSize);
        if (Options.DropLast) batches = batches.Where(b => b.Length == Options.BatchSize);
        return batches.ToArray();
    }

    /// <summary>An enumerable whose every enumeration is a fresh enumerator.</summary>
    sealed class EnumerableOf(Func<IEnumerator<Batch>> create) : IEnumerable<Batch>
    {
        public IEnumerator<Batch> GetEnumerator() => create();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
