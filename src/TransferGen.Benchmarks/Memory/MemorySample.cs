namespace TransferGen.Benchmarks.Memory;

/// <summary>The process's memory after a number of training steps.</summary>
/// <param name="Step">Optimiser steps completed after the warm-up when the sample was taken.</param>
/// <param name="RssBytes">Resident set size of the whole process (native LibTorch memory included).</param>
/// <param name="LiveTensors">Tensors not yet disposed in the process (TorchSharp's count, all threads), counted before any garbage collection.</param>
public sealed record MemorySample(long Step, long RssBytes, long LiveTensors)
{
    /// <summary>Bytes of the managed heap (<see cref="GC.GetTotalMemory(bool)"/>), part of the RSS.</summary>
    public long ManagedBytes { get; init; }

    /// <summary>
    /// Tensors that became garbage without being disposed since the previous sample (the collection before this sample
    /// finalized them); null when unknown: the first sample, or when the garbage collector ran in between.
    /// </summary>
    public long? FinalizedTensors { get; init; }

    /// <summary>Resident set size in MiB.</summary>
    public double RssMiB => RssBytes / (1024.0 * 1024.0);
}

/// <summary>Samples of one workload and what they say about growth.</summary>
/// <param name="Name">Workload name ("finetune", "gan").</param>
/// <param name="Description">What one step does, in words.</param>
/// <param name="Samples">Samples in step order.</param>
/// <param name="Warmup">Unsampled steps before the first counted one.</param>
public sealed record MemoryRun(string Name, string Description, IReadOnlyList<MemorySample> Samples, long Warmup)
{
    /// <summary>RSS of the last sample divided by RSS of the first (1 = perfectly flat).</summary>
    public double RssRatio => Samples.Count < 2 ? 1 : Samples[^1].RssBytes / (double)Samples[0].RssBytes;

    /// <summary>Live tensors at the last sample minus at the first (0 = no tensor outlives its step).</summary>
    public long LiveTensorGrowth => Samples.Count < 2 ? 0 : Samples[^1].LiveTensors - Samples[0].LiveTensors;
}
