using TorchSharp;
using TransferGen.Data;
using TransferGen.IO;
using TransferGen.Models.Gan;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>
/// A trained GAN generator in memory (the EMA copy, in eval mode) with what it generates: image shape and, for a
/// conditional model, the class names its labels mean. Made by <see cref="Train"/>, <see cref="Resume"/> or
/// <see cref="Load"/>; it samples images and writes grids and image folders. Disposing it frees the network.
/// </summary>
/// <example>
/// <code>
/// var data = DatasetResolver.Load("fashion-mnist");
/// using var generator = ImageGenerator.Train(data, new GanTrainingConfig { Arch = "dcgan", Epochs = 5, MaxImages = 6000 });
/// generator.SaveGrid("grid.png", 64);
/// </code>
/// </example>
public sealed class ImageGenerator : IDisposable
{
    ImageGenerator(GanGenerator network, GanModelInfo info, string? folder, TrainingContext? training)
    {
        Network = network;
        Info = info;
        Folder = folder;
        Training = training;
    }

    /// <summary>The generator network (the EMA of the trained one), in eval mode.</summary>
    public GanGenerator Network { get; }

    /// <summary>Architecture, image shape, classes.</summary>
    public GanModelInfo Info { get; }

    /// <summary>The run folder it was trained in or loaded from; null for one kept in memory.</summary>
    public string? Folder { get; }

    /// <summary>The training run's final state (history, steps, stop reason); null for a loaded generator.</summary>
    public TrainingContext? Training { get; }

    /// <summary>True when the training stopped because it diverged (the generator is then that of the last good step).</summary>
    public bool Diverged => Training?.StopIsFailure == true;

    /// <summary>The generated images' shape.</summary>
    public ImageShape Shape => Info.Shape;

    /// <summary>Class names a conditional generator's labels mean (the training data's, by label).</summary>
    public IReadOnlyList<string> Classes => Info.Classes;

    /// <summary>True when <see cref="Sample"/> takes a class.</summary>
    public bool Conditional => Info.Conditional;

    /// <summary>
    /// Trains a GAN on <paramref name="dataset"/> (its train split, or its first) and returns its EMA generator.
    /// </summary>
    /// <param name="dataset">The images; a conditional architecture (cdcgan) also learns their labels.</param>
    /// <param name="config">The options; the defaults (DCGAN, 5 epochs) when null. Its <see cref="GanTrainingConfig.Data"/> is
    /// only recorded.</param>
    /// <param name="runFolder">A folder to write the run into (config, metrics, sample grids, checkpoints, model.pt), so it can
    /// be resumed and loaded; null keeps everything in memory.</param>
    /// <param name="callbacks">More callbacks (progress display, ...).</param>
    /// <param name="overwrite">Whether <paramref name="runFolder"/> may hold an earlier TransferGen run, whose files are then
    /// removed first (only those, see <see cref="RunFolder.OwnFiles"/>); without it the folder must be new or empty.</param>
    /// <param name="cancellationToken">Stops after the current step with a <see cref="TrainingCancelledException"/> (a run
    /// folder then holds a checkpoint <see cref="Resume"/> continues).</param>
    public static ImageGenerator Train(ImageDataset dataset, GanTrainingConfig? config = null, string? runFolder = null,
        IEnumerable<ICallback>? callbacks = null, bool overwrite = false, CancellationToken cancellationToken = default) =>
        From(GanTrainer.Train(dataset, config ?? new GanTrainingConfig(), runFolder is null ? null : new RunFolder(runFolder), callbacks,
            overwrite, cancellationToken), runFolder);

    /// <summary>Continues the GAN run in <paramref name="runFolder"/> up to <paramref name="epochs"/> epochs in all (see <see cref="GanTrainer.Resume"/>).</summary>
    public static ImageGenerator Resume(string runFolder, int? epochs = null, ImageDataset? dataset = null, IEnumerable<ICallback>? callbacks = null,
        Device? device = null, CancellationToken cancellationToken = default) =>
        From(GanTrainer.Resume(RunFolder.Existing(runFolder), epochs, device, callbacks, dataset, cancellationToken), runFolder);

    /// <summary>Loads the generator of a GAN run folder (config.json and model.pt), on the CPU.</summary>
    public static ImageGenerator Load(string runFolder)
    {
        var (network, info) = GanModelFiles.Load(runFolder);
        return new ImageGenerator(network, info, Path.GetFullPath(runFolder), null);
    }

    /// <summary>
    /// <paramref name="count"/> generated images float [count, C, H, W] in [0, 1] on the CPU, reproducible from
    /// <paramref name="seed"/>. A conditional generator draws class <paramref name="classIndex"/>, or cycles through the
    /// classes when it is null; an unconditional one takes no class.
    /// </summary>
    public Tensor Sample(int count, int? classIndex = null, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        GanImageWriter.CheckClass(Network, Classes, classIndex);
        using var scope = NewDisposeScope();
        var source = classIndex is int k ? new GanImageWriter.FixedClass(Network, k) : (IGenerator)Network;
        var batches = GanSampling.Batches(source, count, GanImageWriter.BatchSize, seed).ToList();
        return cat(batches, 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Writes a grid PNG of <paramref name="count"/> images, atomically: for a conditional model over all classes one
    /// class per row (count = classes × m gives m of each), else rows of ⌈√count⌉.
    /// </summary>
    public void SaveGrid(string path, int count = 64, int? classIndex = null, long seed = 0) =>
        GanImageWriter.WriteGrid(Network, Classes, path, count, classIndex, seed);

    /// <summary>
    /// Writes a one-row strip of <paramref name="steps"/> (at least 2: the two end points) images along the great circle
    /// between two latent points drawn from <paramref name="seed"/> (class <paramref name="classIndex"/>, default 0, for a
    /// conditional generator).
    /// </summary>
    public void SaveInterpolation(string path, int steps = 8, int? classIndex = null, long seed = 0) =>
        GanImageWriter.WriteInterpolation(Network, Classes, path, steps, classIndex, seed);

    /// <summary>
    /// Writes <paramref name="count"/> PNGs under <paramref name="folder"/>, one subfolder per class (or "generated"), so
    /// the folder reads back as a dataset; returns the files. The folder must be new or empty (images left from earlier
    /// would join the dataset): else an <see cref="InputException"/>.
    /// </summary>
    public IReadOnlyList<string> SaveImages(string folder, int count, int? classIndex = null, long seed = 0) =>
        GanImageWriter.WriteFolder(Network, Classes, folder, count, classIndex, seed);

    /// <summary>
    /// Writes, as JSON, the latents (<c>z</c>, [count][latentDim]) and classes (<c>class</c>, [count]; absent for an
    /// unconditional model) that <see cref="SaveImages"/> and <see cref="Sample"/> feed the network for the same
    /// arguments, so an exported generator run elsewhere can be checked against the images. A new file only.
    /// </summary>
    public void SaveLatents(string path, int count, int? classIndex = null, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        GanImageWriter.CheckClass(Network, Classes, classIndex);
        OutputPaths.RequireNewFile(path);
        using var scope = NewDisposeScope();
        var source = classIndex is int k ? new GanImageWriter.FixedClass(Network, k) : (IGenerator)Network;
        var (z, labels) = GanSampling.Latents(source, count, GanImageWriter.BatchSize, seed);
        var flat = z.data<float>().ToArray();
        var rows = Enumerable.Range(0, count).Select(i => flat.AsSpan(i * Network.LatentDim, Network.LatentDim).ToArray()).ToArray();
        long[]? classes = classIndex is int fixedClass ? Enumerable.Repeat((long)fixedClass, count).ToArray() : labels?.data<long>().ToArray();
        var json = System.Text.Json.JsonSerializer.Serialize(new { seed, latent_dim = Network.LatentDim, z = rows, @class = classes },
            new System.Text.Json.JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
        AtomicFile.WriteAllText(path, json);
    }

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();

    static ImageGenerator From(GanTrainingResult result, string? folder) =>
        new(result.Generator, result.Info, folder is null ? null : Path.GetFullPath(folder), result.Context);
}
