namespace TransferGen.Data;

/// <summary>
/// The random generators of the data pipeline, each a pure function of its inputs. Mixing the inputs through a
/// hash (rather than, say, seed + epoch) keeps nearby seeds from giving related streams.
/// </summary>
internal static class DataRandom
{
    // Distinct purposes, so that shuffling, sample augmentation and subsampling never share a stream.
    const ulong ShufflePurpose = 0x5348_5546, SamplePurpose = 0x5341_4D50, SubsetPurpose = 0x5355_4253;

    /// <summary>
    /// The generator for the augmentation of sample <paramref name="index"/> (its index in the split) in
    /// <paramref name="epoch"/>. It does not depend on which thread runs the sample or in which order, so
    /// augmented batches are reproducible with any number of loader workers.
    /// </summary>
    public static Random ForSample(int seed, int epoch, int index) => new(Mix(SamplePurpose, seed, epoch, index));

    /// <summary>The order in which an epoch visits <paramref name="count"/> samples: a seeded Fisher–Yates shuffle.</summary>
    public static int[] ShuffledOrder(int count, int seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = Enumerable.Range(0, count).ToArray();
        Shuffle(new Random(Mix(ShufflePurpose, seed, epoch, 0)), order);
        return order;
    }

    /// <summary>
    /// The <paramref name="length"/> samples epoch <paramref name="epoch"/> visits when an epoch is not one pass over
    /// the <paramref name="count"/> samples: the epoch-th window of that length over a stream of passes, pass p being
    /// <see cref="ShuffledOrder"/>(count, seed, p) (or 0..count−1 without shuffling), so every sample comes once per
    /// pass whatever the window. With length = count it is exactly the pass itself.
    /// </summary>
    public static int[] EpochWindow(int count, int seed, int epoch, int length, bool shuffle = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        int[] Pass(long p) => shuffle ? ShuffledOrder(count, seed, checked((int)p)) : Enumerable.Range(0, count).ToArray();
        if (length == count) return Pass(epoch);
        var window = new int[length];
        var position = (long)epoch * length;
        for (var filled = 0; filled < length;)
        {
            var pass = Pass(position / count);
            var from = (int)(position % count);
            var take = Math.Min(count - from, length - filled);
            Array.Copy(pass, from, window, filled, take);
            filled += take;
            position += take;
        }
        return window;
    }

    /// <summary>
    /// Fisher–Yates shuffle in place. Written out rather than Random.Shuffle so that the result depends only on
    /// the seeded generator (whose algorithm .NET keeps stable), not on a library method that may change.
    /// </summary>
    internal static void Shuffle<T>(Random rng, T[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>The generator used to choose subsets and splits (see <see cref="Subsampling"/>).</summary>
    internal static Random ForSubset(int seed) => new(Mix(SubsetPurpose, seed, 0, 0));

    /// <summary>A 31-bit seed from the inputs, via the SplitMix64 finaliser.</summary>
    static int Mix(ulong purpose, int a, int b, int c)
    {
        ulong x = purpose;
        foreach (var value in (ReadOnlySpan<int>)[a, b, c])
        {
            x += 0x9E37_79B9_7F4A_7C15UL ^ (uint)value;
            x = (x ^ (x >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D0_49BB_1331_11EBUL;
            x ^= x >> 31;
        }
        return (int)(x & int.MaxValue);
    }
}
