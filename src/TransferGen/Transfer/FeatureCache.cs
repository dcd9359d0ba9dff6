using System.Diagnostics;
using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
using TransferGen.Metrics;
using static TorchSharp.torch;

namespace TransferGen.Transfer;

/// <summary>
/// Backbone features of a whole split, computed once in inference mode without augmentation, so a linear probe
/// trains its head for many epochs at the cost of one forward pass over the data.
/// </summary>
internal sealed class FeatureCache : IDisposable
{
    FeatureCache(Tensor features, Tensor labels, TimeSpan elapsed)
    {
        Features = features;
        Labels = labels;
        Elapsed = elapsed;
    }

    /// <summary>Features [N, F] on the model's device.</summary>
    public Tensor Features { get; }

    /// <summary>Labels [N] (int64) on the same device.</summary>
    public Tensor Labels { get; }

    /// <summary>Time the forward pass took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Number of images.</summary>
    public int Count => (int)Labels.shape[0];

    /// <summary>Runs <paramref name="backbone"/> over <paramref name="split"/> and keeps the features.</summary>
    /// <remarks>
    /// The backbone runs in eval mode (and is put back in the mode it had) under inference mode, batch by batch;
    /// <see cref="BatchInference"/> concatenates after leaving inference mode, so the cache can feed autograd (the head's training).
    /// </remarks>
    public static FeatureCache Compute(nn.Module<Tensor, Tensor> backbone, ImageSplit split, ITransform transform, int batchSize, Device device,
        Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        var clock = Stopwatch.StartNew();
        var features = BatchInference.Run(backbone, BatchInference.Images(split, transform, batchSize), device, progress: progress)
                       ?? throw new InputException($"The '{split.Name}' split has no images to compute backbone features of.");
        var labels = tensor(split.Labels.Select(l => (long)l).ToArray(), ScalarType.Int64, device: device);
        return new FeatureCache(features, labels, clock.Elapsed);
    }

    /// <summary>
    /// The batches of an epoch over the cached features (shuffled by (seed, epoch), as the image loader does),
    /// as <see cref="Batch"/> objects whose Images are features [B, F], from batch <paramref name="firstBatch"/> on
    /// (a run resumed mid-epoch). Each batch is the receiver's to dispose. With <paramref name="epochLength"/> an epoch
    /// is that many features, a window over shuffled passes as <see cref="BatchLoaderOptions.EpochLength"/> makes it.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, int batchSize, int seed, bool dropLast, int firstBatch = 0, int? epochLength = null)
    {
        var order = epochLength is int length ? DataRandom.EpochWindow(Count, seed, epoch, length) : DataRandom.ShuffledOrder(Count, seed, epoch);
        foreach (var chunk in order.Chunk(batchSize).Skip(firstBatch))
        {
            if (dropLast && chunk.Length < batchSize) yield break;
            using var index = tensor(chunk.Select(i => (long)i).ToArray(), ScalarType.Int64, device: Features.device);
            yield return new Batch(Features.index_select(0, index), Labels.index_select(0, index), chunk);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}
