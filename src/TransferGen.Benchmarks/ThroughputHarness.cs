using TorchSharp;

namespace TransferGen.Benchmarks;

/// <summary>One workload to measure, with the intra-op thread count it runs under (null: leave the current one).</summary>
/// <param name="Variant">Label of this variant.</param>
/// <param name="Workload">The workload.</param>
/// <param name="Threads">LibTorch intra-op threads for its steps, or null.</param>
public sealed record BenchmarkCandidate(string Variant, IThroughputWorkload Workload, int? Threads = null);

/// <summary>
/// Times workloads: warm-up steps (first-call allocation, oneDNN primitive creation, page faults) are run and
/// discarded, then each timed repetition runs inside its own dispose scope so no tensor outlives its step.
/// </summary>
/// <param name="clock">Source of timestamps; tests pass a fake one to check the arithmetic exactly.</param>
public sealed class ThroughputHarness(TimeProvider? clock = null)
{
    readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>Reports progress: (variant label, finished repetitions, total repetitions).</summary>
    public Action<string, int, int>? Progress { get; init; }

    /// <summary>Measures one workload under the current thread settings.</summary>
    /// <param name="workload">What to run.</param>
    /// <param name="warmup">Untimed steps first.</param>
    /// <param name="repeats">Timed steps.</param>
    public TimingSummary Measure(IThroughputWorkload workload, int warmup, int repeats) =>
        MeasureInterleaved([new BenchmarkCandidate("default", workload)], warmup, repeats)[0];

    /// <summary>
    /// Measures several variants round-robin (one step of each in turn, <paramref name="repeats"/> rounds), so a
    /// burst of load from other users of a shared machine hits every variant alike instead of one of them.
    /// </summary>
    /// <param name="candidates">The variants; usually the same workload built with different settings.</param>
    /// <param name="warmup">Untimed rounds first.</param>
    /// <param name="repeats">Timed rounds.</param>
    /// <returns>One summary per candidate, in the given order.</returns>
    public IReadOnlyList<TimingSummary> MeasureInterleaved(IReadOnlyList<BenchmarkCandidate> candidates, int warmup, int repeats)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var before = torch.get_num_threads();
        var seconds = candidates.Select(_ => new List<double>(repeats)).ToArray();
        try
        {
            for (var round = 0; round < warmup + repeats; round++)
            {
                for (var i = 0; i < candidates.Count; i++)
                {
                    var c = candidates[i];
                    torch.set_num_threads(c.Threads ?? before);
                    var elapsed = TimeOneStep(c.Workload);
                    if (round >= warmup) seconds[i].Add(elapsed);
                    Progress?.Invoke($"{c.Workload.Name} {c.Variant}", Math.Max(0, round + 1 - warmup), repeats);
                }
            }
        }
        finally
        {
            torch.set_num_threads(before);
        }
        return candidates.Select((c, i) => new TimingSummary(c.Workload.Name, c.Variant, c.Workload.BatchSize, seconds[i])).ToList();
    }

    // Freeing the step's temporaries is part of the step's cost (PyTorch frees them as it goes), so it is inside the timing.
    double TimeOneStep(IThroughputWorkload workload)
    {
        var start = clock.GetTimestamp();
        using (torch.NewDisposeScope()) workload.Step();
        return clock.GetElapsedTime(start).TotalSeconds;
    }
}
