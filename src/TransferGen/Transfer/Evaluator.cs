using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
using TransferGen.Metrics;
using static TorchSharp.torch;

namespace TransferGen.Transfer;

/// <summary>
/// The model's outputs over a whole split: logits [N, K] (float32) and labels [N] (int64), both on the CPU and
/// owned by this object. Metrics (accuracy, top-k, per-class figures, confusion) are computed from these.
/// </summary>
public sealed class EvaluationResult : IDisposable
{
    /// <summary>Takes ownership of both tensors.</summary>
    public EvaluationResult(Tensor logits, Tensor labels)
    {
        Logits = logits;
        Labels = labels;
    }

    /// <summary>Logits [N, K].</summary>
    public Tensor Logits { get; }

    /// <summary>True class of each image [N].</summary>
    public Tensor Labels { get; }

    /// <summary>Number of images.</summary>
    public long Count => Labels.shape[0];

    /// <summary>Softmax probabilities [N, K] (a new tensor).</summary>
    public Tensor Probabilities() => Logits.softmax(1);

    /// <summary>Share of images whose highest logit is their class (0 for an empty split).</summary>
    public double Accuracy()
    {
        if (Count == 0) return 0;
        using var scope = NewDisposeScope();
        return Logits.argmax(1).eq(Labels).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>Mean cross-entropy of the logits (without label smoothing).</summary>
    public double Loss()
    {
        if (Count == 0) return 0;
        using var scope = NewDisposeScope();
        return nn.functional.cross_entropy(Logits, Labels).item<float>();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Logits.Dispose();
        Labels.Dispose();
    }
}

/// <summary>Runs a model over a split in inference mode and collects its logits.</summary>
public static class Evaluator
{
    /// <summary>
    /// Logits of <paramref name="model"/> (images → logits) for every image of <paramref name="split"/>, in split
    /// order, prepared by <paramref name="transform"/>. The model runs in eval mode and is put back in the mode it had.
    /// </summary>
    /// <param name="model">Images → logits.</param>
    /// <param name="split">The images and their labels.</param>
    /// <param name="transform">The evaluation preprocessing.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="device">Device the model runs on; the CPU when null. The logits are copied to the CPU.</param>
    /// <param name="progress">Called after each batch with its number of images.</param>
    public static EvaluationResult Run(nn.Module<Tensor, Tensor> model, ImageSplit split, ITransform transform, int batchSize,
        Device? device = null, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        var logits = BatchInference.Run(model, BatchInference.Images(split, transform, batchSize), device ?? CPU, outputDevice: CPU, progress)
                     ?? zeros(0, 0);
        var labels = tensor(split.Labels.Select(l => (long)l).ToArray(), ScalarType.Int64);
        return new EvaluationResult(logits, labels);
    }
}
