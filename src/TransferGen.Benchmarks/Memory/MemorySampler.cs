using System.Runtime;
using TorchSharp;
using TransferGen.Training;

namespace TransferGen.Benchmarks.Memory;

/// <summary>
/// Records RSS and live tensors at chosen steps of a training loop, counted after a warm-up, and stops the loop after
/// the last one. In a loop it samples at the end of the first epoch that reaches each chosen step: then every step's
/// dispose scope has closed and the batch loader's threads hold no batch, so the live count is exact and a tensor that
/// escaped a step shows up.
/// </summary>
public sealed class MemorySampler : ICallback
{
    readonly SortedSet<long> _at;
    readonly long _warmup;
    readonly List<MemorySample> _samples = [];

    /// <summary>Samples after each of <paramref name="steps"/> steps (positive, any order) that follow
    /// <paramref name="warmup"/> unsampled steps.</summary>
    public MemorySampler(IEnumerable<long> steps, long warmup = 0)
    {
        _at = new SortedSet<long>(steps ?? throw new ArgumentNullException(nameof(steps)));
        if (_at.Count == 0 || _at.Min < 1) throw new ArgumentException("steps must be positive and non-empty", nameof(steps));
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        _warmup = warmup;
    }

    /// <summary>Steps run in all: the warm-up and the last sampled step.</summary>
    public long TotalSteps => _warmup + _at.Max;

    /// <summary>The samples so far.</summary>
    public IReadOnlyList<MemorySample> Samples => _samples;

    /// <summary>
    /// Called with the number of steps completed (warm-up included) at a quiet moment; samples once when one or more
    /// chosen steps have been reached since the last call. True once the last chosen step is reached.
    /// </summary>
    public bool Observe(long stepsCompleted)
    {
        var counted = stepsCompleted - _warmup;
        if (_at.Any(step => step <= counted && step > _sampledUpTo))
        {
            _samples.Add(Sample(counted, more: counted < _at.Max));
            _sampledUpTo = counted;
        }
        return counted >= _at.Max;
    }

    long _sampledUpTo;

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        if (Observe(context.GlobalStep)) context.RequestStop("memory samples taken");
    }

    /// <summary>
    /// A sample of this process now, taken after a full blocking garbage collection and (on glibc) after returning
    /// freed heap pages to the system, so RSS counts memory still held rather than allocator slack that the .NET GC
    /// and malloc keep around for reuse. A leak survives both and still shows.
    /// </summary>
    public static MemorySample Take(long step) => Take(step, garbageIsExact: false);

    /// <summary>
    /// Like <see cref="Take(long)"/>, also counting the tensors that the collection finalizes: tensors that became
    /// unreachable without being disposed. Exact only when <paramref name="garbageIsExact"/> says no collection ran since
    /// the previous sample (otherwise some were already finalized, and the count is left out).
    /// </summary>
    static MemorySample Take(long step, bool garbageIsExact)
    {
        long beforeCollection = torch.Tensor.TotalCount;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        NativeHeap.Trim();
        long live = torch.Tensor.TotalCount;
        return new(step, CurrentRss(), live)
        {
            ManagedBytes = GC.GetTotalMemory(false),
            FinalizedTensors = garbageIsExact ? beforeCollection - live : null,
        };
    }

    /// <summary>
    /// With <see cref="HoldCollections"/>: after a sample, no garbage collection may run until the next one, so that the
    /// next sample sees every tensor left to a finalizer in between. False when the region could not start or the
    /// process allocated more than it allows (a collection then ran).
    /// </summary>
    bool _holding;

    /// <summary>
    /// Keep the garbage collector from running between samples (a no-GC region of up to 128 MB of allocations), so that
    /// <see cref="MemorySample.FinalizedTensors"/> counts every tensor that was never disposed. For small workloads in
    /// tests; a workload that allocates more simply gets no count.
    /// </summary>
    public bool HoldCollections { get; init; }

    MemorySample Sample(long counted, bool more)
    {
        bool exact = false;
        if (_holding)
        {
            exact = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
            if (exact) GC.EndNoGCRegion();
            _holding = false;
        }
        var sample = Take(counted, exact);
        if (HoldCollections && more)
        {
            try
            {
                _holding = GC.TryStartNoGCRegion(128L << 20);
            }
            catch (ArgumentOutOfRangeException)
            {
                _holding = false;
            }
        }
        return sample;
    }

    /// <inheritdoc />
    public void AfterFit(TrainingContext context) => Release();

    /// <summary>Ends a no-GC region still open (a workload that stopped before the last sample; see <see cref="HoldCollections"/>).</summary>
    public void Release()
    {
        if (_holding && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        _holding = false;
    }

    /// <summary>Resident set size: VmRSS from /proc/self/status on Linux, the working set elsewhere.</summary>
    public static long CurrentRss()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                if (long.TryParse(kb, out var value)) return value * 1024;
            }
        }
        return Environment.WorkingSet;
    }
}
