using TransferGen.Models;
using TransferGen.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Transfer;

/// <summary>
/// A run folder of <c>transfergen pretrain</c> or <c>finetune</c> as a backbone (<c>--backbone RUN</c>): the
/// architecture its config.json records, its trained backbone (model.pt without the classifier head) as the weights
/// that come with it, and its preprocessing, input channels and stages. <see cref="BackboneResolver.Get"/> resolves a
/// folder through here, so a run built on another run fine-tunes, resumes, evaluates and predicts like any other;
/// its config.json records the source run's absolute path, which must stay where it is.
/// </summary>
public static class RunBackbone
{
    // The runs being resolved on this thread: a chain of runs that leads back to one of them is an error, not a stack overflow.
    [ThreadStatic] static HashSet<string>? _resolving;

    /// <summary>True when <paramref name="name"/> reads as a folder rather than a registry name: it exists, or it has a path separator.</summary>
    public static bool IsFolderName(string name) => Directory.Exists(name) || name.IndexOfAny(['/', '\\']) >= 0;

    /// <summary>The absolute path of the run folder <paramref name="path"/>, without a trailing separator (the backbone's name).</summary>
    public static string FullName(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    /// <summary>
    /// The backbone trained in the run folder at <paramref name="path"/>; an <see cref="InputException"/> when it is not
    /// a finished classifier run or its backbone cannot be rebuilt.
    /// </summary>
    public static BackboneSpec Load(string path)
    {
        var run = RunFolder.Existing(path);
        var name = FullName(path);
        // Another kind of run (a GAN's) has a config.json of another shape: say what it is rather than what fails to parse.
        if (RunFolder.ReadKind(run.Path) is { } kind && !RunConfig.Kinds.Contains(kind))
            throw new InputException($"{path} is a '{kind}' run, not the run folder of `transfergen pretrain` or `finetune`, so it has no trained backbone.");
        if (!File.Exists(run.ModelPath))
            throw new InputException($"{path}: the run has no model.pt (it stopped before its first epoch ended), so it has no trained backbone.");
        var config = RunFolder.ReadJson<RunConfig>(run.ConfigPath);
        if (string.IsNullOrEmpty(config.Backbone) || config.Classes.Count < 2 || config.DataChannels is not (1 or 3))
            throw new InputException($"{path}: not the run folder of `transfergen pretrain` or `finetune` (its config.json names no backbone and classes).");

        _resolving ??= new HashSet<string>(StringComparer.Ordinal);
        if (!_resolving.Add(name)) throw new InputException($"{path}: its chain of backbone runs leads back to itself.");
        try
        {
            BackboneSpec architecture;
            try
            {
                architecture = BackboneResolver.Get(config.Backbone);
            }
            catch (InputException e) when (IsFolderName(config.Backbone))
            {
                throw new InputException($"{path}: its backbone came from {config.Backbone}, which cannot be used ({e.Message})", e);
            }
            return FromRun(name, config, architecture, run.ModelPath);
        }
        finally
        {
            _resolving.Remove(name);
        }
    }

    /// <summary>
    /// True when the backbone <paramref name="backbone"/> is the run folder <paramref name="runPath"/> or was trained,
    /// through any chain of runs, from it (writing a new run there would destroy its own starting point).
    /// </summary>
    public static bool DependsOn(string backbone, string runPath)
    {
        var target = FullName(runPath);
        var name = backbone;
        for (var steps = 0; steps < 100 && IsFolderName(name); steps++)
        {
            var folder = FullName(name);
            if (folder == target) return true;
            var config = Path.Combine(folder, "config.json");
            if (!File.Exists(config)) return false;
            name = RunFolder.ReadJson<RunConfig>(config).Backbone;
        }
        return false;
    }

    static BackboneSpec FromRun(string name, RunConfig config, BackboneSpec architecture, string modelPath)
    {
        // The source run's backbone as that run built it: gray-trained runs see one channel, maybe with an adapted first conv.
        var channels = Backbones.ChannelsFor(architecture, config.DataChannels);
        Module<Tensor, Tensor> Create() => Backbones.CreateFor(architecture, WeightsChoice.Scratch, null, channels, config.Options.Gray);

        Module<Tensor, Tensor> CreateTrained()
        {
            var backbone = Create();
            try
            {
                // model.pt holds a whole classifier; load it into one, then copy the backbone's part.
                using var trained = new Classifier(Create(), architecture.FeatureDim, config.Classes.Count, config.Options.Dropout);
                try
                {
                    RunFolder.LoadWeights(trained, modelPath);
                }
                catch (InputException e)
                {
                    throw new InputException($"{name}: its model.pt does not fit the architecture its config.json records ({architecture.Name}, {config.Classes.Count} classes): {e.Message}", e);
                }
                backbone.load_state_dict(trained.Backbone.state_dict());
                return backbone;
            }
            catch
            {
                backbone.Dispose();
                throw;
            }
        }

        var data = config.Dataset ?? config.DatasetFormat;
        return new BackboneSpec(
            name,
            Create,
            CreateTrained,
            $"trained by `transfergen {config.Kind}` in {name}: {architecture.Name} on {data} ({config.Classes.Count} classes, {config.DataChannels}-channel images)",
            config.Preprocessing with { NativeSize = config.Options.ImageSize },
            new BackboneMeta($"run folder {name}", architecture.Meta.Licence),
            architecture.FeatureDim,
            architecture.Stages,
            architecture.FirstConv,
            architecture.ClassifierPrefixes)
        {
            InputSizeMultiple = architecture.InputSizeMultiple,
            InputChannels = channels,
            Architecture = architecture.Architecture ?? architecture.Name,
        };
    }
}
