using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
using TransferGen.Imaging;
using TransferGen.Metrics;
using TransferGen.Models;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Transfer;

/// <summary>A class and its probability, one line of a prediction.</summary>
/// <param name="Class">The class name.</param>
/// <param name="Probability">Its softmax probability (0..1).</param>
public sealed record ClassProbability(string Class, double Probability);

/// <summary>The most likely classes of one image, most likely first.</summary>
/// <param name="Source">The image file, or "#i" for the i-th image of a tensor batch.</param>
/// <param name="Top">The classes with their probabilities.</param>
public sealed record Prediction(string Source, IReadOnlyList<ClassProbability> Top)
{
    /// <summary>The most likely class.</summary>
    public string Class => Top[0].Class;

    /// <summary>Its probability.</summary>
    public double Probability => Top[0].Probability;
}

/// <summary>
/// A trained image classifier in memory: the network (a backbone with its head), the exact evaluation preprocessing of
/// its training (resize, channel conversion, normalisation) and its class names. Made by <see cref="FineTune"/>,
/// <see cref="Resume"/> or <see cref="Load"/>; it evaluates, predicts and saves itself. Disposing it frees the network.
/// </summary>
/// <example>
/// <code>
/// var data = DatasetResolver.Load("my-images");
/// using var model = ImageClassifier.FineTune(data, new FineTuneOptions { Epochs = 3 });
/// Console.WriteLine(model.Evaluate(data).Accuracy);
/// </code>
/// </example>
public sealed class ImageClassifier : IDisposable
{
    internal ImageClassifier(RunConfig config, Classifier network, Device device, string? folder)
    {
        Config = config;
        Network = network;
        Device = device;
        Folder = folder;
        var spec = BackboneResolver.Get(config.Backbone);
        Transform = TransferPipeline.Build(config.Preprocessing, config.DataChannels, config.Options.ImageSize, augment: false, spec.InputChannels);
    }

    /// <summary>What the classifier is and how it was trained (the run's config.json).</summary>
    public RunConfig Config { get; }

    /// <summary>The network (backbone + head), in eval mode.</summary>
    public Classifier Network { get; }

    /// <summary>The device the network lives on.</summary>
    public Device Device { get; }

    /// <summary>The run folder it was trained in or loaded from; null for one kept in memory.</summary>
    public string? Folder { get; private set; }

    /// <summary>Resize, conversion and normalisation as in training (no augmentation), uint8 [C, H, W] → float.</summary>
    public ITransform Transform { get; }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> Classes => Config.Classes;

    /// <summary>
    /// Fine-tunes a network pretrained on ImageNet (<see cref="FineTuneOptions.Backbone"/>, by default
    /// <c>resnet18-imagenet</c>) on <paramref name="dataset"/>: its "train" split trains, its "val" split (or a tenth of
    /// train) chooses the best epoch.
    /// </summary>
    /// <param name="dataset">Labelled images (any size; gray or colour).</param>
    /// <param name="options">The recipe; the defaults when null.</param>
    /// <param name="runFolder">A folder to write the run into (config, metrics, curves, checkpoints, model.pt), so it can be
    /// resumed and loaded later; null keeps everything in memory.</param>
    /// <param name="callbacks">More callbacks (progress display, ...).</param>
    /// <param name="overwrite">Whether <paramref name="runFolder"/> may hold an earlier TransferGen run, whose files are then
    /// removed first (only those, see <see cref="RunFolder.OwnFiles"/>); without it the folder must be new or empty.</param>
    /// <param name="cancellationToken">Stops after the current batch with a <see cref="TrainingCancelledException"/>
    /// (a run folder then holds a checkpoint <see cref="Resume"/> continues).</param>
    public static ImageClassifier FineTune(ImageDataset dataset, FineTuneOptions? options = null, string? runFolder = null,
        IEnumerable<ICallback>? callbacks = null, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        var tuner = new FineTuner(options ?? new FineTuneOptions());
        if (callbacks is not null) tuner.Callbacks.AddRange(callbacks);
        return tuner.Run(dataset, runFolder is null ? null : new RunFolder(runFolder), overwrite: overwrite, cancellationToken: cancellationToken).Model;
    }

    /// <summary>Continues the classifier run in <paramref name="runFolder"/> from its checkpoint (see <see cref="FineTuner.Resume"/>).</summary>
    public static ImageClassifier Resume(string runFolder, ImageDataset? dataset = null, IEnumerable<ICallback>? callbacks = null,
        Device? device = null, CancellationToken cancellationToken = default) =>
        FineTuner.Resume(RunFolder.Existing(runFolder), callbacks, dataset, device: device, cancellationToken: cancellationToken).Model;

    /// <summary>
    /// Loads the classifier of the run folder at <paramref name="path"/> (a finetune or pretrain run, or a folder written
    /// by <see cref="Save"/>): the architecture from config.json, the weights from model.pt. An
    /// <see cref="InputException"/> when it is missing, of another kind, or incomplete.
    /// </summary>
    public static ImageClassifier Load(string path, Device? device = null)
    {
        var run = RunFolder.Existing(path);
        var config = RunConfig.Read(run);
        if (!File.Exists(run.ModelPath)) throw new InputException($"{path}: the run has no model.pt yet (was it stopped before its first epoch ended?).");
        var spec = BackboneResolver.Get(config.Backbone);
        // The architecture alone: every weight, the pretrained ones included, comes from model.pt.
        var network = Backbones.CreateClassifier(spec, WeightsChoice.Scratch, null, config.Classes.Count,
            Backbones.ChannelsFor(spec, config.DataChannels), config.Options.Gray, config.Options.Dropout);
        try
        {
            RunFolder.LoadWeights(network, run.ModelPath);
            device ??= CPU;
            network.to(device);
            network.eval();
            return new ImageClassifier(config, network, device, run.Path);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes config.json and model.pt into <paramref name="folder"/>, so <see cref="Load"/> (and the command line's
    /// evaluate, predict) can use it. The folder must be new or empty, or this classifier's own run folder; it is locked
    /// while it is written.
    /// </summary>
    public void Save(string folder)
    {
        var run = new RunFolder(folder);
        var own = Folder is not null && string.Equals(run.Path, Path.GetFullPath(Folder), StringComparison.Ordinal);
        if (File.Exists(run.Path)) throw new InputException($"{folder} is a file; save the classifier into a new or empty folder.");
        if (!own) RequireEmpty(run, folder);
        run.Create();
        using (run.Lock())
        {
            if (!own) RequireEmpty(run, folder);   // again under the lock: another process may have written there since
            RunFolder.WriteJson(run.ConfigPath, Config);
            RunFolder.SaveWeights(Network, run.ModelPath);
        }
        Folder ??= run.Path;
    }

    static void RequireEmpty(RunFolder run, string folder)
    {
        if (!RunFolder.IsEmpty(run.Path)) throw new InputException($"{folder} is not empty; save the classifier into a new or empty folder.");
    }

    /// <summary>
    /// Accuracy, top-k, per-class precision/recall/F1 and the confusion matrix on <paramref name="split"/> of
    /// <paramref name="dataset"/>, whose classes and channels must be the classifier's (else an <see cref="InputException"/>).
    /// </summary>
    public ClassificationReport Evaluate(ImageDataset dataset, string split = "test", int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.Classes.SequenceEqual(Classes))
            throw new InputException($"{dataset.Source} has classes ({string.Join(", ", dataset.Classes)}) other than the model's ({string.Join(", ", Classes)}).");
        if (dataset.Shape.Channels != Config.DataChannels)
            throw new InputException($"{dataset.Source} has {dataset.Shape.Channels}-channel images but the model was trained on {Config.DataChannels}-channel ones.");
        return Evaluate(dataset[split], batchSize);
    }

    /// <summary>The report on <paramref name="split"/>, whose labels index <see cref="Classes"/>.</summary>
    public ClassificationReport Evaluate(ImageSplit split, int batchSize = 256)
    {
        if (batchSize < 1) throw new InvalidOptionException($"{{0}} must be at least 1, got {batchSize}.", "BatchSize");
        using var result = Evaluator.Run(Network, split, Transform, batchSize, Device);
        return ClassificationReport.Compute(result.Logits, result.Labels, Classes);
    }

    /// <summary>
    /// The most pixels (from the header) an image file given to <see cref="Predict(IEnumerable{string}, int)"/> or
    /// <see cref="PredictFiles"/> may have; a larger one is an <see cref="InvalidOptionException"/> naming the file.
    /// Default <see cref="ImageCodec.DefaultMaxPixels"/>, at most <see cref="ImageCodec.MaxPixelsCeiling"/>.
    /// </summary>
    public long MaxImagePixels { get; set; } = ImageCodec.DefaultMaxPixels;

    /// <summary>
    /// The <paramref name="k"/> most likely classes of each image file (decoded to the training data's channel count and
    /// prepared as in training). An unreadable file is an <see cref="InputException"/> naming it.
    /// </summary>
    public IReadOnlyList<Prediction> Predict(IEnumerable<string> files, int k = 3)
    {
        var predictions = new List<Prediction>();
        // 64 files at a time keep memory bounded for long lists.
        foreach (var chunk in files.Chunk(64))
        {
            using var probabilities = PredictFiles(chunk);
            predictions.AddRange(Top(probabilities, chunk, k));
        }
        return predictions;
    }

    /// <summary>The <paramref name="k"/> most likely classes of each image of <paramref name="images"/>: uint8 [N, C, H, W] (any size).</summary>
    public IReadOnlyList<Prediction> Predict(Tensor images, int k = 3)
    {
        using var probabilities = Probabilities(images);
        return Top(probabilities, Enumerable.Range(0, (int)images.shape[0]).Select(i => $"#{i}").ToArray(), k);
    }

    /// <summary>Class probabilities [N, K] of images uint8 [N, C, H, W], prepared as in training.</summary>
    public Tensor Probabilities(Tensor images)
    {
        if (images.dim() != 4) throw new ArgumentException($"images must be [N, C, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        using var scope = NewDisposeScope();
        var rng = new Random(0);   // the evaluation transform draws nothing
        var prepared = Enumerable.Range(0, (int)images.shape[0]).Select(i => Transform.Apply(images[i], rng)).ToList();
        return Classify(prepared).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Class probabilities [N, K] for image files, decoded to the training data's channel count and prepared as in
    /// training. An unreadable file is an <see cref="InputException"/> naming it.
    /// </summary>
    public Tensor PredictFiles(IReadOnlyList<string> files)
    {
        if (MaxImagePixels is < 1 or > ImageCodec.MaxPixelsCeiling)
            throw new InvalidOptionException($"{{0}} must be between 1 and {ImageCodec.MaxPixelsCeiling}, got {MaxImagePixels}.",
                $"{nameof(ImageClassifier)}.{nameof(MaxImagePixels)}");
        using var scope = NewDisposeScope();
        var images = files.Select(f =>
        {
            using var raw = ImageCodec.Decode(f, Config.DataChannels, MaxImagePixels);
            return Transform.Apply(raw, new Random(0));
        }).ToList();
        return Classify(images).MoveToOuterDisposeScope();
    }

    Tensor Classify(List<Tensor> prepared)
    {
        using var _ = inference_mode();
        return Network.call(stack(prepared).to(Device)).softmax(1).cpu().clone();
    }

    List<Prediction> Top(Tensor probabilities, IReadOnlyList<string> sources, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        k = Math.Min(k, Classes.Count);
        var (values, indices) = probabilities.topk(k, dim: 1);
        using (values)
        using (indices)
        {
            var p = values.data<float>().ToArray();
            var c = indices.data<long>().ToArray();
            return sources.Select((source, i) => new Prediction(source,
                Enumerable.Range(0, k).Select(j => new ClassProbability(Classes[(int)c[i * k + j]], p[i * k + j])).ToList())).ToList();
        }
    }

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();
}
