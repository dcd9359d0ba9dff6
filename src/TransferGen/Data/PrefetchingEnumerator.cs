using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace TransferGen.Data;

/// <summary>
/// Hands out the batches of one epoch in order while worker threads build the next ones.
/// </summary>
/// <remarks>
/// Batch b is built by worker b mod W and put in that worker's own bounded queue, and the consumer takes batch b
/// from that queue: the order needs no reordering buffer, and memory stays bounded by the queue capacities.
/// Disposing the enumerator (also what <c>break</c> in a foreach does) cancels the workers, waits for them,
/// and disposes every batch built but not handed out.
/// </remarks>
internal sealed class PrefetchingEnumerator : IEnumerator<Batch>
{
    /// <summary>A queue entry: a batch, or the failure of the worker that should have built it.</summary>
    readonly record struct Item(Batch? Batch, ExceptionDispatchInfo? Error);

    readonly BatchBuilder _builder;
    readonly int[][] _batches;
    readonly int _epoch;
    readonly BlockingCollection<Item>[] _queues;
    readonly CancellationToken _consumerToken;
    readonly CancellationTokenSource _stop;
    Task[]? _workers;
    int _runningWorkers;
    // Accounting for tests: after disposal every batch built was either handed out or discarded (disposed).
    int _built, _handedOut, _discarded;
    int _next;
    Batch? _current;
    bool _disposed;

    public PrefetchingEnumerator(BatchBuilder builder, int[][] batches, int epoch, int workers, int prefetch,
        CancellationToken cancellationToken)
    {
        _builder = builder;
        _batches = batches;
        _epoch = epoch;
        int workerCount = Math.Max(1, Math.Min(workers, batches.Length));
        int capacity = (prefetch + workerCount - 1) / workerCount;
        _queues = Enumerable.Range(0, workerCount).Select(_ => new BlockingCollection<Item>(capacity)).ToArray();
        _consumerToken = cancellationToken;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Workers still running (for tests: 0 after disposal).</summary>
    internal int RunningWorkers => Volatile.Read(ref _runningWorkers);

    /// <summary>Batches built so far.</summary>
    internal int BuiltBatches => Volatile.Read(ref _built);

    /// <summary>Batches given to the consumer.</summary>
    internal int HandedOutBatches => _handedOut;

    /// <summary>Batches built but disposed by the loader because the consumer stopped early.</summary>
    internal int DiscardedBatches => Volatile.Read(ref _discarded);

    public Batch Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true.");

    object IEnumerator.Current => Current;

    public bool MoveNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _current = null;
        if (_next >= _batches.Length) return false;
        // Threads start on the first MoveNext, so an enumerator that is never iterated costs nothing.
        _workers ??= StartWorkers();
        var item = _queues[_next % _queues.Length].Take(_consumerToken);
        _next++;
        if (item.Error is not null)
        {
            _next = _batches.Length;
            _stop.Cancel();
            item.Error.Throw();
        }
        _current = item.Batch;
        _handedOut++;
        return true;
    }

    Task[] StartWorkers() => Enumerable.Range(0, _queues.Length)
        .Select(w =>
        {
            Interlocked.Increment(ref _runningWorkers);
            return Task.Factory.StartNew(() => Work(w), CancellationToken.None, TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        })
        .ToArray();

    void Work(int worker)
    {
        var token = _stop.Token;
        var queue = _queues[worker];
        try
        {
            for (int b = worker; b < _batches.Length && !token.IsCancellationRequested; b += _queues.Length)
            {
                Item item;
                try
                {
                    item = new Item(_builder.Build(_batches[b], _epoch), null);
                    Interlocked.Increment(ref _built);
                }
                catch (Exception e)
                {
                    // The consumer rethrows it when it reaches this batch, with the original stack trace.
                    item = new Item(null, ExceptionDispatchInfo.Capture(e));
                }
                try
                {
                    queue.Add(item, token);
                }
                catch (OperationCanceledException)
                {
                    Discard(item);
                    return;
                }
                if (item.Error is not null) return;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _runningWorkers);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        // Workers notice the cancellation between batches or while waiting for queue space, so this wait is
        // at most one batch long; only after it can no worker add to a queue any more.
        if (_workers is not null) Task.WaitAll(_workers);
        foreach (var queue in _queues)
        {
            while (queue.TryTake(out var item)) Discard(item);
            queue.Dispose();
        }
        _stop.Dispose();
    }

    void Discard(Item item)
    {
        if (item.Batch is null) return;
        item.Batch.Dispose();
        Interlocked.Increment(ref _discarded);
    }

    public void Reset() => throw new NotSupportedException("Start a new epoch instead.");
}
