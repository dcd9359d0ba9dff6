using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
using TransferGen.Models;
using static TorchSharp.torch;

namespace TransferGen.Transfer;

/// <summary>The tensors of one joint step (all in the step's DisposeScope).</summary>
/// <param name="Total">L = target + λ·source, the loss to differentiate.</param>
/// <param name="Target">Cross-entropy of the target head on the target batch.</param>
/// <param name="TargetLogits">Target logits [B, K].</param>
/// <param name="Source">Cross-entropy of the source head on the source batch.</param>
/// <param name="SourceLogits">Source logits [B', K'].</param>
internal readonly record struct JointLoss(Tensor Total, Tensor Target, Tensor TargetLogits, Tensor Source, Tensor SourceLogits);

/// <summary>
/// The source term of the joint objective during a fine-tune: the source head, and the endless stream of source
/// batches — the source train split cycled epoch after epoch, reshuffled each time with its own seed, one batch for
/// every target step of a phase in which the backbone trains. The stream's position is a function of the target
/// epoch (<see cref="Seek"/>), so a resumed run draws exactly the batches an uninterrupted one would.
/// </summary>
internal sealed class JointObjective : IDisposable
{
    // Keeps the source order and head initialisation apart from the target's, which use the run's seed itself.
    const int SeedOffset = 7919;

    readonly BatchLoader _loader;
    IEnumerator<Batch>? _stream;
    int _streamEpoch;
    long _position;

    /// <summary>Builds the source term; <see cref="Check"/> the task first, before anything else of the run is built.</summary>
    public JointObjective(SourceTask task, ITransform transform, int featureDim, FineTuneOptions options, Device device)
    {
        var train = task.Dataset["train"];
        Task = task;
        Lambda = options.SourceLambda;
        _loader = new BatchLoader(train, transform, new BatchLoaderOptions
        {
            // The same batch size as the target's; like its loader, no last batch of one image to upset BatchNorm.
            BatchSize = options.BatchSize,
            Shuffle = true,
            Seed = unchecked(options.Seed + SeedOffset),
            DropLast = train.Count > options.BatchSize,
            Workers = options.Workers,
        });
        Head = CreateHead(featureDim, task.Dataset.Classes.Count, options.Seed);
        Head.to(device);
    }

    /// <summary>An <see cref="InputException"/> when <paramref name="task"/> cannot train a head: no train split, fewer than two classes or images.</summary>
    public static void Check(SourceTask task)
    {
        var name = task.Spec ?? task.Dataset.Source;
        var train = task.Dataset["train"];
        if (task.Dataset.Classes.Count < 2)
            throw new InputException($"The source dataset '{name}' needs at least two classes, it has {task.Dataset.Classes.Count}.");
        if (train.Count < 2)
            throw new InputException($"The source dataset '{name}' needs at least two training images, it has {train.Count}.");
    }

    public SourceTask Task { get; }

    /// <summary>λ, the weight of the source term.</summary>
    public double Lambda { get; }

    /// <summary>The source classes' linear head (features → logits), saved in checkpoints but never in model.pt.</summary>
    public TorchSharp.Modules.Linear Head { get; }

    /// <summary>
    /// A linear layer initialised from its own seed, leaving the global generator where it was: adding a source task
    /// changes no other random draw, so with λ = 0 the target trains exactly as in a plain fine-tune.
    /// </summary>
    static TorchSharp.Modules.Linear CreateHead(int featureDim, int classCount, int seed)
    {
        using var saved = random.get_rng_state();
        try
        {
            manual_seed(unchecked(seed + SeedOffset));
            return nn.Linear(featureDim, classCount);
        }
        finally
        {
            random.set_rng_state(saved);
        }
    }

    /// <summary>Places the stream at its <paramref name="position"/>-th batch (counted from 0 over the whole run).</summary>
    public void Seek(long position)
    {
        if (_stream is not null && position == _position) return;
        _stream?.Dispose();
        _streamEpoch = (int)(position / _loader.BatchCount);
        _stream = _loader.EpochFrom(_streamEpoch, (int)(position % _loader.BatchCount)).GetEnumerator();
        _position = position;
    }

    /// <summary>The next source batch; the caller owns (disposes) it.</summary>
    public Batch Next()
    {
        if (_stream is null) Seek(_position);
        while (!_stream!.MoveNext())
        {
            _stream.Dispose();
            _stream = _loader.Epoch(++_streamEpoch).GetEnumerator();
        }
        _position++;
        return _stream.Current;
    }

    /// <summary>
    /// L = CE_target + λ·CE_source for one target and one source batch on the shared backbone. The two batches go
    /// through the backbone separately, so BatchNorm layers that use batch statistics normalise each dataset with its
    /// own (the target batch exactly as in a plain fine-tune); their running statistics then blend both datasets.
    /// </summary>
    public static JointLoss Loss(Classifier model, nn.Module<Tensor, Tensor> sourceHead, double lambda, double labelSmoothing,
        Tensor targetImages, Tensor targetLabels, Tensor sourceImages, Tensor sourceLabels)
    {
        var targetLogits = model.call(targetImages);
        var target = nn.functional.cross_entropy(targetLogits, targetLabels, label_smoothing: labelSmoothing);
        var sourceLogits = sourceHead.call(model.Backbone.call(sourceImages));
        var source = nn.functional.cross_entropy(sourceLogits, sourceLabels, label_smoothing: labelSmoothing);
        return new JointLoss(target.add(source, alpha: lambda), target, targetLogits, source, sourceLogits);
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
        Head.Dispose();
    }
}
