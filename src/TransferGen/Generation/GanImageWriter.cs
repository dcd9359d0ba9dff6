using TorchSharp;
using TransferGen.Data;
using TransferGen.Imaging;
using TransferGen.IO;
using TransferGen.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>
/// Writes generated images to disk: as an ImageFolder (readable back with DatasetResolver), as one grid PNG, or as
/// an interpolation strip. Every file is written atomically; everything is reproducible from the seed.
/// </summary>
public static class GanImageWriter
{
    /// <summary>Folder name of an unconditional model's images.</summary>
    public const string UnconditionalFolder = "generated";

    /// <summary>Images generated per forward pass when sampling; the latents of a seed are drawn in batches of this size.</summary>
    internal const int BatchSize = 64;

    /// <summary>
    /// Writes <paramref name="count"/> PNGs under <paramref name="folder"/>: one subfolder per class named after the
    /// class (<see cref="ClassNamesFile.FolderName"/>: characters not allowed in file names become '_'), or
    /// <see cref="UnconditionalFolder"/> for an unconditional model. Without <paramref name="classIndex"/> a conditional
    /// model cycles through the classes. A conditional model's folder also gets <see cref="ClassNamesFile"/>, so it reads
    /// back as a dataset with the training data's class names in label order (and `evaluate` accepts it). Returns the
    /// files written. The folder must be new or empty, since it reads back as a dataset and older images in it would
    /// join that dataset: else an <see cref="InputException"/>, before anything is written.
    /// </summary>
    public static IReadOnlyList<string> WriteFolder(IGenerator g, IReadOnlyList<string> classes, string folder, int count,
        int? classIndex, long seed, int batchSize = BatchSize)
    {
        CheckClass(g, classes, classIndex);
        OutputPaths.RequireNewFolder(folder);
        if (g.ClassCount is not null)
        {
            Directory.CreateDirectory(folder);
            ClassNamesFile.Write(folder, classes);
        }
        var source = classIndex is int k ? new FixedClass(g, k) : g;
        var files = new List<string>(count);
        var written = 0;
        foreach (var batch in GanSampling.Batches(source, count, batchSize, seed))
        {
            using (batch)
            {
                for (var i = 0; i < batch.shape[0]; i++, written++)
                {
                    // The label GanSampling.Batches gave image `written` (classes cycle), or the fixed class.
                    var label = classIndex ?? (g.ClassCount is int kk ? written % kk : -1);
                    var sub = label < 0 ? UnconditionalFolder : ClassNamesFile.FolderName(classes[label]);
                    var path = Path.Combine(folder, sub, $"{written:D6}.png");
                    using var image = batch[i];
                    ImageCodec.SavePng(image, path);
                    files.Add(path);
                }
            }
        }
        return files;
    }

    /// <summary>
    /// Writes a grid PNG of <paramref name="count"/> images. An unconditional model or one class: rows of ⌈√count⌉. A
    /// conditional model over all classes: one class per row, in class order, ⌈count / classes⌉ images a row (so
    /// count = classes × m gives m of each), which makes a grid a person can read class by class.
    /// </summary>
    public static void WriteGrid(IGenerator g, IReadOnlyList<string> classes, string path, int count, int? classIndex, long seed)
    {
        CheckClass(g, classes, classIndex);
        using var scope = NewDisposeScope();
        var z = GanSampling.FixedNoise(count, g.LatentDim, seed);
        var perRow = g.ClassCount is int k && classIndex is null ? (count + k - 1) / k : (int)Math.Ceiling(Math.Sqrt(count));
        var labels = g.ClassCount is null ? null
            : classIndex is int c ? full(count, c, dtype: ScalarType.Int64)
            : arange(count, dtype: ScalarType.Int64).div(perRow, rounding_mode: RoundingMode.floor);
        var grid = GanSampling.Grid(g, z, labels, nrow: perRow);
        ImageCodec.SavePng(grid, path);
    }

    /// <summary>
    /// Writes a one-row strip of <paramref name="steps"/> images along the great circle between two seeded latent
    /// points (class <paramref name="classIndex"/>, default 0, for a conditional model).
    /// </summary>
    public static void WriteInterpolation(IGenerator g, IReadOnlyList<string> classes, string path, int steps, int? classIndex, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        CheckClass(g, classes, classIndex);
        using var scope = NewDisposeScope();
        var ends = GanSampling.FixedNoise(2, g.LatentDim, seed);
        var label = g.ClassCount is null ? (int?)null : classIndex ?? 0;
        var strip = GanSampling.InterpolationStrip(g, ends[0], ends[1], steps, label, spherical: true);
        ImageCodec.SavePng(strip, path);
    }

    /// <summary>The folder name used for class <paramref name="name"/> (see <see cref="ClassNamesFile.FolderName"/>).</summary>
    public static string FolderName(string name) => ClassNamesFile.FolderName(name);

    /// <summary>An <see cref="InvalidOptionException"/> when <paramref name="classIndex"/> is given to an unconditional model or is out of range.</summary>
    internal static void CheckClass(IGenerator g, IReadOnlyList<string> classes, int? classIndex)
    {
        if (classIndex is not int k) return;
        if (g.ClassCount is null)
            throw new InvalidOptionException("{0} needs a class-conditional model (trained with the cdcgan architecture); this one is unconditional.", "Class");
        if (k < 0 || k >= g.ClassCount)
            throw new InvalidOptionException($"{{0}} {k} is out of range: the model knows classes 0..{g.ClassCount - 1} ({string.Join(", ", classes)}).", "Class");
    }

    /// <summary>A conditional generator seen as an unconditional one that always draws class <paramref name="label"/>.</summary>
    internal sealed class FixedClass(IGenerator inner, int label) : IGenerator
    {
        public int LatentDim => inner.LatentDim;
        public int? ClassCount => null;
        public ImageShape Shape => inner.Shape;

        public Tensor Generate(Tensor z, Tensor? labels = null)
        {
            using var fixedLabels = full(z.shape[0], label, dtype: ScalarType.Int64, device: z.device);
            return inner.Generate(z, fixedLabels);
        }
    }
}
