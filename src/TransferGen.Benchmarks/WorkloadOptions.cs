namespace TransferGen.Benchmarks;

/// <summary>
/// The settings a throughput workload can vary. The defaults are the fastest combination measured on our 2-core
/// machine (see docs/performance.md); the other values exist so `bench throughput --variants` can re-measure them.
/// </summary>
public sealed record WorkloadOptions
{
    /// <summary>Images per step; null uses the workload's standard batch (64 train, 256 inference, 128 DCGAN).</summary>
    public int? BatchSize { get; init; }

    /// <summary>Side of the square input images; null uses the standard size (64 for ResNet18, 32 for DCGAN).</summary>
    public int? ImageSize { get; init; }

    /// <summary>Store conv weights and inputs in channels-last (NHWC) order, which oneDNN convolutions prefer on CPU.</summary>
    public bool ChannelsLast { get; init; }

    /// <summary>Make the batch once and reuse it (or refill it in place) instead of allocating new input tensors every step.</summary>
    public bool ReuseInputs { get; init; } = true;

    /// <summary>Drop gradients (set them to none) before each step instead of filling them with zeros.</summary>
    public bool GradientsToNone { get; init; } = true;

    /// <summary>Run inference under <c>torch.inference_mode</c> rather than <c>torch.no_grad</c>.</summary>
    public bool InferenceMode { get; init; } = true;

    /// <summary>Seed of the weights and the random inputs.</summary>
    public int Seed { get; init; } = 1;
}
