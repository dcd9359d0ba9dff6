using TransferGen.Data;
using TransferGen.Imaging;
using TransferGen.Models;
using TransferGen.Training;

namespace TransferGen.Transfer;

/// <summary>
/// A fine-tune run's config.json: the options, the data, the backbone and its preprocessing, and the versions
/// that produced it. <c>--resume</c> continues from it alone; predict and evaluate rebuild the model from it.
/// </summary>
public sealed record RunConfig
{
    /// <summary>What kind of run this is: "finetune" or "pretrain".</summary>
    public string Kind { get; init; } = "finetune";

    /// <summary>All fine-tune options.</summary>
    public FineTuneOptions Options { get; init; } = new();

    /// <summary>The dataset as the user named it (null for a dataset built in code).</summary>
    public string? Dataset { get; init; }

    /// <summary>Whether the dataset was read with --strict.</summary>
    public bool DatasetStrict { get; init; }

    /// <summary>The pixel limit the dataset's image files were checked against (<see cref="DatasetOptions.MaxImagePixels"/>).</summary>
    public long DatasetMaxImagePixels { get; init; } = ImageCodec.DefaultMaxPixels;

    /// <summary>
    /// The classes the run kept (<see cref="DatasetOptions.Classes"/>), by name in label order; null when it used them all
    /// (and in runs older than this field).
    /// </summary>
    public IReadOnlyList<string>? DatasetClasses { get; init; }

    /// <summary>The image files the dataset skipped (count and the first few); null in runs older than this field.</summary>
    public SkippedImages? SkippedImages { get; init; }

    /// <summary>
    /// With <see cref="FineTuneOptions.LabelsPerClass"/>: the images of each class the run actually used (training
    /// and any validation carved from them), which is less than asked for a class that has fewer; null without it.
    /// </summary>
    public IReadOnlyList<int>? LabelsPerClassUsed { get; init; }

    /// <summary>The options that reload the dataset exactly as the run read it (strictness, seed of the split, pixel limit, classes).</summary>
    public DatasetOptions ToDatasetOptions() =>
        new() { Strict = DatasetStrict, Seed = Options.Seed, MaxImagePixels = DatasetMaxImagePixels, Classes = DatasetClasses };

    /// <summary>Format of the dataset.</summary>
    public string DatasetFormat { get; init; } = "";

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Channels of the dataset's images (1 or 3); images to predict are decoded to this many.</summary>
    public int DataChannels { get; init; }

    /// <summary>Backbone registry name, or the absolute path of the run folder whose trained backbone this run started from.</summary>
    public string Backbone { get; init; } = "";

    /// <summary>Where the initial weights came from: builtin, file or scratch.</summary>
    public WeightsChoice Weights { get; init; }

    /// <summary>The preprocessing applied to images (after any single-channel adaptation).</summary>
    public Preprocessing Preprocessing { get; init; } = Preprocessing.ImageNet;

    /// <summary>Length of the backbone's feature vector.</summary>
    public int FeatureDim { get; init; }

    /// <summary>
    /// The source dataset of the joint objective (<c>--source</c>) as the user named it; null without one, or for one
    /// built in code (then <see cref="SourceClasses"/> is set). λ is <see cref="FineTuneOptions.SourceLambda"/>.
    /// </summary>
    public string? Source { get; init; }

    /// <summary>Class names of the source dataset, indexed by label (the source head's outputs); null without a source.</summary>
    public IReadOnlyList<string>? SourceClasses { get; init; }

    /// <summary>Images of the source's train split, which the source batches cycle through.</summary>
    public int? SourceTrainCount { get; init; }

    /// <summary>Images trained on, and in the validation split.</summary>
    public int TrainCount { get; init; }

    /// <summary>Images in the validation split.</summary>
    public int ValidationCount { get; init; }

    /// <summary>
    /// Of <see cref="TrainCount"/>, the images that were not the dataset's (<see cref="FineTuner.ExtraTraining"/>, e.g.
    /// generated ones, counted with repeats); null for a run on real images only.
    /// </summary>
    public int? ExtraTrainCount { get; init; }

    /// <summary>
    /// Images one training epoch drew from the training set when that was not one pass over it (a mix with extra images
    /// trained in epochs of the real images' size, <see cref="FineTuner.EpochOfRealSize"/>); null: one pass.
    /// </summary>
    public int? EpochImages { get; init; }

    /// <summary>Where the validation split came from: "val" (the dataset's) or "carved from train".</summary>
    public string ValidationSource { get; init; } = "";

    /// <summary>The device the run trained on ("cpu", "cuda:0"); a note, since a run may resume on another.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>TransferGen, TorchSharp and .NET versions.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();

    /// <summary>When the run started (UTC, ISO 8601).</summary>
    public string Created { get; init; } = "";

    /// <summary>The `transfergen` command line that started the run; null for a run started from code or by an older TransferGen.</summary>
    public RunCommandLine? Command { get; init; }

    /// <summary>The kinds of classifier run (what <see cref="Kind"/> may say).</summary>
    public static readonly string[] Kinds = ["finetune", "pretrain"];

    /// <summary>
    /// The config.json of a classifier run; an <see cref="InputException"/> naming the folder when it is another kind
    /// of run (a GAN's) or none.
    /// </summary>
    public static RunConfig Read(RunFolder run)
    {
        RunFolder.OfKind(run.Path, "a classifier", Kinds);
        var config = RunFolder.ReadJson<RunConfig>(run.ConfigPath);
        config.Validate(run.ConfigPath);
        return config;
    }

    /// <summary>
    /// Throws an <see cref="InputException"/> naming <paramref name="path"/> and the first field a model cannot be
    /// rebuilt from (a hand-edited or damaged config.json), before anything is built from it.
    /// </summary>
    public void Validate(string path)
    {
        void Require(bool ok, string problem)
        {
            if (!ok) throw new InputException($"{path} is damaged or was edited: {problem}.");
        }
        Require(Options is not null, "it has no Options");
        Require(Classes is { Count: >= 1 } && Classes.All(c => c is not null), "Classes must name at least one class");
        Require(DataChannels is 1 or 3, $"DataChannels must be 1 or 3, not {DataChannels}");
        Require(!string.IsNullOrWhiteSpace(Backbone), "Backbone is empty");
        Require(FeatureDim >= 1, $"FeatureDim must be at least 1, not {FeatureDim}");
        Require(Preprocessing is not null, "it has no Preprocessing");
        var p = Preprocessing!;
        Require(p.Mean is { Count: 1 or 3 } && p.Std is not null && p.Std.Count == p.Mean.Count,
            "Preprocessing needs one Mean and one Std per channel (1 or 3)");
        Require(p.Mean!.All(double.IsFinite) && p.Std!.All(v => double.IsFinite(v) && v > 0),
            "Preprocessing's Mean must be finite and its Std finite and above 0");
        Require(double.IsFinite(p.PixelScale) && p.PixelScale > 0, $"Preprocessing.PixelScale must be above 0, not {p.PixelScale}");
        Require(p.NativeSize is >= 1 and <= 8192, $"Preprocessing.NativeSize must be between 1 and 8192, not {p.NativeSize}");
        Require(Enum.IsDefined(p.Order), $"Preprocessing.Order {(int)p.Order} is not a channel order");
        try
        {
            Options!.Validate();
        }
        catch (InvalidOptionException e)
        {
            throw new InputException($"{path} is damaged or was edited: {e.Message}", e);
        }
    }

    /// <summary>The versions of this process.</summary>
    public static Dictionary<string, string> CurrentVersions() => RunFolder.CurrentVersions();
}
