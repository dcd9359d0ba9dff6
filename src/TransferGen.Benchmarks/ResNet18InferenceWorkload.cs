using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferGen.Benchmarks;

/// <summary>(W2) ResNet18 inference on random 3×64×64 images, batch 256, in eval mode without autograd.</summary>
public sealed class ResNet18InferenceWorkload : IThroughputWorkload
{
    /// <summary>The standard batch of W2.</summary>
    public const int StandardBatch = 256;

    readonly ResNet model;
    readonly WorkloadOptions options;
    readonly int size;
    readonly Tensor? images;

    /// <summary>Builds the model in eval mode and (when reused) the batch.</summary>
    public ResNet18InferenceWorkload(WorkloadOptions? options = null)
    {
        this.options = options ?? new WorkloadOptions();
        BatchSize = this.options.BatchSize ?? StandardBatch;
        size = this.options.ImageSize ?? 64;
        torch.manual_seed(this.options.Seed);
        model = torchvision.models.resnet18(num_classes: 10);
        model.eval();
        if (this.options.ChannelsLast) ChannelsLast.Convert(model);
        if (this.options.ReuseInputs)
        {
            // The scope frees the layout intermediates; the batch itself lives as long as the workload.
            using var scope = NewDisposeScope();
            images = MakeImages().DetachFromDisposeScope();
        }
    }

    /// <inheritdoc />
    public string Name => "resnet18_infer";

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public void Step()
    {
        var x = images ?? MakeImages();
        // inference_mode also skips version counters and view tracking that no_grad still keeps.
        using var mode = options.InferenceMode ? torch.inference_mode() : torch.no_grad();
        model.call(x);
    }

    Tensor MakeImages()
    {
        var x = torch.randn(BatchSize, 3, size, size);
        return options.ChannelsLast ? ChannelsLast.Of(x) : x;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        images?.Dispose();
        model.Dispose();
    }
}
