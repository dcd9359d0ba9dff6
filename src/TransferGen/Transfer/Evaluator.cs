using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
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
    public static EvaluationResult Run(nn.Module<Tensor, Tensor> model, ImageSplit split, ITransform transform, int batchSize,
        Device? device = null, Action<int>? progress = null)
    {
        device ??= CPU;
        var wasTraining = model.training;
        model.eval();
        var logits = new List<Tensor>();
        try
        {
            using (inference_mode())
                foreach (var batch in BatchLoader.Batches(split, transform, batchSize))
                    using (batch)
                    using (NewDisposeScope())   // a model may leave intermediates undisposed; the scope frees them per batch
                    {
                        var output = model.call(batch.Images.to(device));
                        logits.Add(output.to(CPU).detach().clone().DetachFromDisposeScope());
                        progress?.Invoke(batch.Count);
                    }
            var all = logits.Count == 0 ? zeros(0, 0) : cat(logits, 0);
            var labels = tensor(split.Labels.Select(l => (long)l).ToArray(), ScalarType.Int64);
            return new EvaluationResult(all, labels);
        }
        finally
        {
            foreach (var t in logits) t.Dispose();
            model.train(wasTraining);
        }
    }
}
