using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferGen.Benchmarks;

/// <summary>
/// (W1) One ResNet18 training step on random 3×64×64 images, batch 64, 10 classes: forward, cross-entropy,
/// backward, SGD with momentum 0.9. The architecture is torchvision's (TorchVision's <c>resnet18</c>).
/// </summary>
public sealed class ResNet18TrainWorkload : IThroughputWorkload
{
    /// <summary>The standard batch of W1.</summary>
    public const int StandardBatch = 64;

    readonly ResNet model;
    readonly optim.Optimizer optimizer;
    readonly WorkloadOptions options;
    readonly int size;
    readonly Tensor? images;
    readonly Tensor? labels;

    /// <summary>Builds the model, the optimizer and (when reused) the batch.</summary>
    public ResNet18TrainWorkload(WorkloadOptions? options = null)
    {
        this.options = options ?? new WorkloadOptions();
        BatchSize = this.options.BatchSize ?? StandardBatch;
        size = this.options.ImageSize ?? 64;
        torch.manual_seed(this.options.Seed);
        model = torchvision.models.resnet18(num_classes: 10);
        model.train();
        // Weights must be re-laid out before the optimizer captures the parameter list.
        if (this.options.ChannelsLast) ChannelsLast.Convert(model);
        optimizer = optim.SGD(model.parameters(), learningRate: 0.01, momentum: 0.9);
        if (this.options.ReuseInputs)
        {
            // The scope frees the layout intermediates; the batch itself lives as long as the workload.
            using var scope = NewDisposeScope();
            images = MakeImages().DetachFromDisposeScope();
            labels = MakeLabels().DetachFromDisposeScope();
        }
    }

    /// <inheritdoc />
    public string Name => "resnet18_train";

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public void Step()
    {
        if (options.GradientsToNone) model.zero_grad(set_to_none: true);
        else optimizer.zero_grad();
        var x = images ?? MakeImages();
        var y = labels ?? MakeLabels();
        var loss = nn.functional.cross_entropy(model.call(x), y);
        loss.backward();
        optimizer.step();
    }

    Tensor MakeImages()
    {
        var x = torch.randn(BatchSize, 3, size, size);
        return options.ChannelsLast ? ChannelsLast.Of(x) : x;
    }

    Tensor MakeLabels() => torch.randint(0, 10, [BatchSize], dtype: ScalarType.Int64);

    /// <inheritdoc />
    public void Dispose()
    {
        images?.Dispose();
        labels?.Dispose();
        optimizer.Dispose();
        model.Dispose();
    }
}
