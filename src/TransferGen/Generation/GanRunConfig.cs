using TransferGen.Data;
using TransferGen.Training;

namespace TransferGen.Generation;

/// <summary>
/// A GAN run's config.json (kind "gan"): the options, and what they resolved to on the data (classes, channels, image
/// size), so sampling and evaluation rebuild the generator from this file and model.pt alone.
/// </summary>
public sealed record GanRunConfig
{
    /// <summary>The run kind.</summary>
    public const string RunKind = "gan";

    /// <summary>Always "gan".</summary>
    public string Kind { get; init; } = RunKind;

    /// <summary>Every option of the run; a resume may raise <see cref="GanTrainingConfig.Epochs"/>.</summary>
    public GanTrainingConfig Options { get; init; } = new();

    /// <summary>The dataset as the user named it (null for one built in code).</summary>
    public string? Dataset { get; init; }

    /// <summary>Class names of the training data, indexed by label (what a conditional generator's labels mean).</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Channels of the generated images.</summary>
    public int DataChannels { get; init; }

    /// <summary>Side of the square generated images.</summary>
    public int ImageSize { get; init; }

    /// <summary>True when the generator takes a class label.</summary>
    public bool Conditional { get; init; }

    /// <summary>Images trained on (after subsetting).</summary>
    public int TrainCount { get; init; }

    /// <summary>The image files the dataset skipped (count and the first few); null in runs older than this field.</summary>
    public SkippedImages? SkippedImages { get; init; }

    /// <summary>With <see cref="GanTrainingConfig.LabelsPerClass"/>: the images kept of each class, before any <see cref="GanTrainingConfig.MaxImages"/> cut.</summary>
    public IReadOnlyList<int>? LabelsPerClassUsed { get; init; }

    /// <summary>The device the run last trained on ("cpu", "cuda:0"); a note, since a run may resume on another.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>TransferGen, TorchSharp and .NET versions.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();

    /// <summary>The source run a transferred run started from (<see cref="GanTrainingConfig.InitFrom"/>); null for one from random weights.</summary>
    public GanInitSource? InitializedFrom { get; init; }

    /// <summary>When the run started (UTC, ISO 8601).</summary>
    public string Created { get; init; } = "";

    /// <summary>
    /// The `transfergen` command line that started the run (a resume keeps it); null for a run started from code or by
    /// an older TransferGen.
    /// </summary>
    public RunCommandLine? Command { get; init; }

    /// <summary>What rebuilding the generator needs.</summary>
    public GanModelInfo ModelInfo => new(Options.Arch, DataChannels, ImageSize, Classes, Conditional, Options.Model);

    /// <summary>The config.json of a GAN run; an <see cref="InputException"/> naming the folder when it is not one.</summary>
    public static GanRunConfig Read(RunFolder run)
    {
        RunFolder.OfKind(run.Path, "a GAN command", RunKind);
        var config = RunFolder.ReadJson<GanRunConfig>(run.ConfigPath);
        config.Validate(run.ConfigPath);
        return config;
    }

    /// <summary>
    /// Throws an <see cref="InputException"/> naming <paramref name="path"/> and the first field the networks cannot
    /// be rebuilt from (a hand-edited or damaged config.json), before anything is built from it.
    /// </summary>
    public void Validate(string path)
    {
        void Require(bool ok, string problem)
        {
            if (!ok) throw new InputException($"{path} is damaged or was edited: {problem}.");
        }
        Require(Options is not null, "it has no Options");
        Require(Classes is { Count: >= 1 and <= 100_000 } && Classes.All(c => c is not null), "Classes must name between 1 and 100000 classes");
        Require(!Conditional || Classes.Count >= 2, "a conditional GAN needs at least 2 Classes");
        Require(DataChannels is 1 or 3, $"DataChannels must be 1 or 3, not {DataChannels}");
        Require(ImageSize is >= 4 and <= 512, $"ImageSize must be between 4 and 512, not {ImageSize}");
        try
        {
            Options!.Validate(requireData: false);
        }
        catch (InvalidOptionException e)
        {
            throw new InputException($"{path} is damaged or was edited: {e.Message}", e);
        }
    }
}
