using TorchSharp;
using TransferGen.Data.Transforms;
using TransferGen.Imaging;
using TransferGen.Models;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Transfer;

/// <summary>
/// A fine-tuned classifier loaded from its run folder: the architecture rebuilt from config.json, the weights from
/// model.pt, and the exact evaluation preprocessing of training. Disposing it frees the model.
/// </summary>
public sealed class TrainedModel : IDisposable
{
    TrainedModel(RunConfig config, Classifier model, ITransform transform)
    {
        Config = config;
        Model = model;
        Transform = transform;
    }

    /// <summary>The run's configuration.</summary>
    public RunConfig Config { get; }

    /// <summary>The classifier, in eval mode on the CPU.</summary>
    public Classifier Model { get; }

    /// <summary>Resize, conversion and normalisation as in training (no augmentation).</summary>
    public ITransform Transform { get; }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> Classes => Config.Classes;

    /// <summary>Loads the run at <paramref name="path"/>; an <see cref="InputException"/> when it is missing or incomplete.</summary>
    public static TrainedModel Load(string path)
    {
        var run = RunFolder.Existing(path);
        var config = RunFolder.ReadJson<RunConfig>(run.ConfigPath);
        if (!File.Exists(run.ModelPath)) throw new InputException($"{path}: the run has no model.pt yet (was it stopped before its first epoch ended?).");
        var spec = BackboneResolver.Get(config.Backbone);
        // The architecture alone: every weight, the pretrained ones included, comes from model.pt.
        var model = Backbones.CreateClassifier(spec, WeightsChoice.Scratch, null, config.Classes.Count,
            Backbones.ChannelsFor(spec, config.DataChannels), config.Options.Gray, config.Options.Dropout);
        try
        {
            RunFolder.LoadWeights(model, run.ModelPath);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return new TrainedModel(config, model,
            TransferPipeline.Build(config.Preprocessing, config.DataChannels, config.Options.ImageSize, augment: false, spec.InputChannels));
    }

    /// <summary>
    /// Class probabilities [N, K] for image files, decoded to the training data's channel count and prepared as in
    /// training. An unreadable file is an <see cref="InputException"/> naming it.
    /// </summary>
    public Tensor PredictFiles(IReadOnlyList<string> files)
    {
        using var scope = NewDisposeScope();
        var images = files.Select(f =>
        {
            using var raw = ImageCodec.Decode(f, Config.DataChannels);
            return Transform.Apply(raw, new Random(0));
        }).ToList();
        using var _ = inference_mode();
        var probabilities = Model.call(stack(images)).softmax(1);
        return probabilities.clone().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
