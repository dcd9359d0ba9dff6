using TorchSharp;
using TransferGen.Training;

namespace TransferGen.Benchmarks.Memory;

/// <summary>
/// Records RSS and live tensors at chosen global steps of a training loop, and stops the loop after the last one.
/// The counters are read after the step's dispose scope closed, so a tensor that escaped the step shows up.
/// </summary>
public sealed class MemorySampler : ICallback
{
    readonly SortedSet<long> _at;
    readonly List<MemorySample> _samples = [];

    /// <summary>Samples after each of <paramref name="steps"/> steps (positive, any order).</summary>
    public MemorySampler(IEnumerable<long> steps)
    {
        _at = new SortedSet<long>(steps ?? throw new ArgumentNullException(nameof(steps)));
        if (_at.Count == 0 || _at.Min < 1) throw new ArgumentException("steps must be positive and non-empty", nameof(steps));
    }

    /// <summary>The samples so far.</summary>
    public IReadOnlyList<MemorySample> Samples => _samples;

    /// <summary>Called after each step with the number of steps completed; true once the last sample is taken.</summary>
    public bool Observe(long stepsCompleted)
    {
        if (_at.Contains(stepsCompleted)) _samples.Add(Take(stepsCompleted));
        return stepsCompleted >= _at.Max;
    }

    /// <inheritdoc />
    public void AfterBatch(TrainingContext context)
    {
        if (Observe(context.GlobalStep)) context.RequestStop("memory samples taken");
    }

    /// <summary>
    /// A sample of this process now, taken after a full blocking garbage collection and (on glibc) after returning
    /// freed heap pages to the system, so RSS counts memory still held rather than allocator slack that the .NET GC
    /// and malloc keep around for reuse. A leak survives both and still shows.
    /// </summary>
    public static MemorySample Take(long step)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        NativeHeap.Trim();
        return new(step, CurrentRss(), DisposeScopeManager.Statistics.ThreadTotalLiveCount)
        {
            ManagedBytes = GC.GetTotalMemory(false),
        };
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
