using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
using static TorchSharp.torch;

namespace TransferGen.Metrics;

/// <summary>
/// Runs a network over a stream of image batches in inference mode and concatenates its outputs: the one loop behind
/// evaluation (logits), a linear probe's feature cache and FID/KID feature extraction.
/// </summary>
public static class BatchInference
{
    /// <summary>
    /// The outputs of <paramref name="forward"/> for every image of <paramref name="batches"/>, in order, concatenated
    /// along the first dimension; null when the batches hold no image.
    /// </summary>
    /// <remarks>
    /// Each batch is pulled from the enumerable and run inside inference mode and its own dispose scope, which ends once
    /// the batch's output is copied out. So batches the enumerable creates lazily (a generator's samples, a data
    /// reader's decoded images) and intermediates a network leaves undisposed are freed batch by batch, while tensors
    /// the caller created before the call are left alone. The concatenation happens after inference mode has ended:
    /// the result is an ordinary tensor (no gradient), which may feed autograd, e.g. as the input of a head in training.
    /// </remarks>
    /// <param name="batches">Image batches [B, ...].</param>
    /// <param name="forward">The network: a batch in, one output row per image out.</param>
    /// <param name="device">Device each batch is moved to before <paramref name="forward"/>; as it comes when null.</param>
    /// <param name="outputDevice">Device each output is copied to; where <paramref name="forward"/> left it when null.</param>
    /// <param name="progress">Called after each batch with the number of images it held.</param>
    /// <param name="limit">Stop after this many images (the last batch is cut); all when null.</param>
    public static Tensor? Run(IEnumerable<Tensor> batches, Func<Tensor, Tensor> forward, Device? device = null,
        Device? outputDevice = null, Action<int>? progress = null, long? limit = null)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(forward);
        var parts = new List<Tensor>();
        try
        {
            using (var enumerator = batches.GetEnumerator())
            using (inference_mode())
            {
                long seen = 0;
                while (limit is null || seen < limit)
                {
                    using var scope = NewDisposeScope();
                    if (!enumerator.MoveNext()) break;
                    var images = enumerator.Current;
                    if (limit is long max && seen + images.shape[0] > max) images = images.narrow(0, 0, max - seen);
                    var output = forward(device is null ? images : images.to(device));
                    if (outputDevice is not null) output = output.to(outputDevice);
                    // A copy the list owns: the output may be a view of, or even be, a tensor the scope or the caller frees.
                    parts.Add(output.clone().DetachFromDisposeScope());
                    seen += images.shape[0];
                    progress?.Invoke((int)images.shape[0]);
                }
            }
            return parts.Count == 0 ? null : cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }

    /// <summary>
    /// <see cref="Run(IEnumerable{Tensor}, Func{Tensor, Tensor}, Device?, Device?, Action{int}?, long?)"/> with a module,
    /// which runs in eval mode and is put back in the mode it had.
    /// </summary>
    public static Tensor? Run(nn.Module<Tensor, Tensor> model, IEnumerable<Tensor> batches, Device? device = null,
        Device? outputDevice = null, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var wasTraining = model.training;
        model.eval();
        try
        {
            return Run(batches, model.call, device, outputDevice, progress);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// The images of <paramref name="split"/> in split order, in batches of <paramref name="batchSize"/>, prepared by
    /// <paramref name="transform"/> (which should draw nothing at random: it gets a fixed seed). Each batch is disposed
    /// when the next one is asked for, or when the enumeration ends.
    /// </summary>
    public static IEnumerable<Tensor> Images(ImageSplit split, ITransform transform, int batchSize)
    {
        var batches = BatchLoader.Batches(split, transform, batchSize);   // checks the arguments now, not at the first batch
        return Iterate(batches);

        static IEnumerable<Tensor> Iterate(IEnumerable<Batch> batches)
        {
            foreach (var batch in batches)
                using (batch)
                    yield return batch.Images;
        }
    }
}
