namespace TransferGen.Data;

/// <summary>How a <see cref="BatchLoader"/> cuts a split into batches and how far ahead it works.</summary>
public sealed record BatchLoaderOptions
{
    /// <summary>Images per batch (the last batch of an epoch may be smaller unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Visit the images in a shuffled order, a pure function of (<see cref="Seed"/>, epoch).</summary>
    public bool Shuffle { get; init; }

    /// <summary>Seed of the shuffle and of the per-sample augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>Leave out the last batch of an epoch when it is smaller than <see cref="BatchSize"/>.</summary>
    public bool DropLast { get; init; }

    /// <summary>
    /// Images one epoch visits, when not the split's size: the epoch is then a window of this length over a stream of
    /// passes over the split (see <see cref="DataRandom.EpochWindow"/>), so a large split can train in epochs of
    /// another set's size. Null: one pass over the split.
    /// </summary>
    public int? EpochLength { get; init; }

    /// <summary>Background threads that read and transform images.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>
    /// Finished batches that may wait for the consumer (rounded up to a multiple of <see cref="Workers"/>); each
    /// worker may be building one more. This bounds the loader's memory.
    /// </summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value below 1.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (EpochLength is int length) ArgumentOutOfRangeException.ThrowIfLessThan(length, 1, nameof(EpochLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1, nameof(Workers));
        ArgumentOutOfRangeException.ThrowIfLessThan(Prefetch, 1, nameof(Prefetch));
    }
}
