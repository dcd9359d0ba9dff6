using TorchSharp;

namespace TransferGen.Benchmarks;

/// <summary>The three throughput workloads (W1 ResNet18 training, W2 ResNet18 inference, W3 DCGAN step) and their variants.</summary>
public static class ThroughputSuite
{
    /// <summary>The workloads in report order, each a factory from options to a ready workload.</summary>
    public static IReadOnlyList<Func<WorkloadOptions, IThroughputWorkload>> Workloads { get; } =
    [
        o => new ResNet18TrainWorkload(o),
        o => new ResNet18InferenceWorkload(o),
        o => new DcganStepWorkload(o),
    ];

    /// <summary>
    /// The default settings of workload <paramref name="workloadIndex"/>: <see cref="WorkloadOptions"/>' defaults, except
    /// for W3, whose default is <see cref="DcganStepWorkload.Standard"/> (the real GanStep, as `gan train` runs it).
    /// </summary>
    public static WorkloadOptions Defaults(int workloadIndex) => workloadIndex == 2 ? DcganStepWorkload.Standard : new WorkloadOptions();

    /// <summary>
    /// Options for a smoke run that exercises the real code paths in seconds: small batches, the standard image sizes.
    /// </summary>
    public static WorkloadOptions Shrink(WorkloadOptions options, int workloadIndex) =>
        (options ?? throw new ArgumentNullException(nameof(options))) with { BatchSize = workloadIndex == 1 ? 8 : 4 };

    /// <summary>Measures every workload with its default settings, one after another.</summary>
    /// <param name="harness">The timer.</param>
    /// <param name="warmup">Untimed steps per workload.</param>
    /// <param name="repeats">Timed steps per workload.</param>
    /// <param name="quick">Shrink the batches (a smoke test, not a measurement).</param>
    public static IReadOnlyList<TimingSummary> RunDefaults(ThroughputHarness harness, int warmup, int repeats, bool quick)
    {
        ArgumentNullException.ThrowIfNull(harness);
        var results = new List<TimingSummary>();
        for (var i = 0; i < Workloads.Count; i++)
        {
            var options = quick ? Shrink(Defaults(i), i) : Defaults(i);
            using var workload = Workloads[i](options);
            results.Add(harness.Measure(workload, warmup, repeats));
        }
        return results;
    }

    /// <summary>
    /// Measures, per workload, the defaults against each single change of them (one setting flipped, or another
    /// intra-op thread count), interleaved so all variants of a workload see the same machine load.
    /// </summary>
    /// <param name="harness">The timer.</param>
    /// <param name="warmup">Untimed rounds per workload.</param>
    /// <param name="repeats">Timed rounds per workload.</param>
    /// <param name="quick">Shrink the batches (a smoke test, not a measurement).</param>
    /// <returns>Per workload, the default first, then its variants.</returns>
    public static IReadOnlyList<TimingSummary> RunVariants(ThroughputHarness harness, int warmup, int repeats, bool quick)
    {
        ArgumentNullException.ThrowIfNull(harness);
        var results = new List<TimingSummary>();
        for (var i = 0; i < Workloads.Count; i++)
        {
            var baseline = quick ? Shrink(Defaults(i), i) : Defaults(i);
            var candidates = new List<BenchmarkCandidate>();
            try
            {
                foreach (var (label, options, threads) in Variants(i, baseline))
                    candidates.Add(new BenchmarkCandidate(label, Workloads[i](options), threads));
                results.AddRange(harness.MeasureInterleaved(candidates, warmup, repeats));
            }
            finally
            {
                foreach (var c in candidates) c.Workload.Dispose();
            }
        }
        return results;
    }

    // One change at a time, so each row answers "what does this one setting buy?".
    static IEnumerable<(string Label, WorkloadOptions Options, int? Threads)> Variants(int workloadIndex, WorkloadOptions d)
    {
        yield return ("default", d, null);
        var current = torch.get_num_threads();
        for (var t = 1; t <= Math.Max(current, Environment.ProcessorCount); t++)
            if (t != current) yield return ($"threads={t}", d, t);
        yield return ($"channels_last={OnOff(!d.ChannelsLast)}", d with { ChannelsLast = !d.ChannelsLast }, null);
        if (workloadIndex == 1)
            yield return (d.InferenceMode ? "no_grad" : "inference_mode", d with { InferenceMode = !d.InferenceMode }, null);
        else
            yield return (d.GradientsToNone ? "grads zeroed" : "grads to none", d with { GradientsToNone = !d.GradientsToNone }, null);
        yield return (d.ReuseInputs ? "new inputs/step" : "reused inputs", d with { ReuseInputs = !d.ReuseInputs }, null);
    }

    static string OnOff(bool on) => on ? "on" : "off";
}
