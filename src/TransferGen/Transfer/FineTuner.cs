using System.Diagnostics;
using TorchSharp;
using TransferGen.Data;
using TransferGen.Models;
using TransferGen.Training;
using TransferGen.Training.Callbacks;
using static TorchSharp.torch;

namespace TransferGen.Transfer;

/// <summary>
/// Fine-tunes a registered backbone on a labelled dataset with the one <see cref="TrainingLoop{TBatch}"/>:
/// few-label subsampling, a validation split, the freeze policy's phases (the default probes on cached features,
/// then fine-tunes everything with a lower backbone rate), discriminative rates, a warm-up + cosine schedule,
/// label smoothing, seeded augmentation, best-model selection, early stopping, optionally the joint objective
/// L = L_target + λ·L_source with a <see cref="SourceTask"/>, and — given a run folder — config.json, metrics,
/// TensorBoard events, model.pt and a per-epoch checkpoint that <see cref="Resume"/> continues.
/// </summary>
public sealed class FineTuner(FineTuneOptions options)
{
    /// <summary>The options.</summary>
    public FineTuneOptions Options { get; } = options;

    /// <summary>Extra callbacks (progress display, ...), run alongside the fine-tune's own.</summary>
    public List<ICallback> Callbacks { get; } = [];

    /// <summary>
    /// Told about choices that work but probably not as the user meant (one sentence each); the CLI prints them as
    /// warnings. Null: not reported.
    /// </summary>
    public Action<string>? Warn { get; init; }

    /// <summary>What config.json calls the run: "finetune", or "pretrain" for <see cref="Pretraining"/>.</summary>
    public string RunKind { get; init; } = "finetune";

    /// <summary>
    /// Extra training images (generated ones, say) joined to the real training images after the few-label subsample and
    /// the validation carve, so validation and test stay real; labels index the dataset's classes. Null: none.
    /// </summary>
    public ImageSplit? ExtraTraining { get; init; }

    /// <summary>
    /// The share of <see cref="ExtraTraining"/> images in the training set (0 &lt; r &lt; 1): the smaller side is drawn
    /// again (cycled) until the mix has this ratio, so neither side's images are left out. See <see cref="TrainingMix.Join"/>.
    /// </summary>
    public double ExtraTrainingRatio { get; init; } = 0.5;

    /// <summary>
    /// With <see cref="ExtraTraining"/>: one epoch is as many images as the real training images, drawn from the mix of
    /// real and extra ones (a window over its shuffled passes), so the run has the epochs and the optimiser steps of the
    /// same fine-tune without the extra images. False: an epoch is one pass over the whole mix, which is longer.
    /// </summary>
    public bool EpochOfRealSize { get; init; }

    /// <summary>The command line that started this run, recorded in config.json (the CLI sets it); null: none recorded.</summary>
    public RunCommandLine? Command { get; set; }

    /// <summary>Trains on <paramref name="dataset"/>, writing into <paramref name="run"/> when given.</summary>
    /// <param name="dataset">The data; its "train" split trains, its "val" split (or a part carved from train) validates,
    /// its "test" split (if any) is evaluated at the end.</param>
    /// <param name="run">The run folder; null keeps everything in memory.</param>
    /// <param name="datasetSpec">How the user named the dataset (recorded so <see cref="Resume"/> can reload it).</param>
    /// <param name="datasetStrict">Whether the dataset (and the source's) was loaded with --strict.</param>
    /// <param name="source">
    /// The source task of the joint objective: in every step of a phase where the backbone trains, one source batch
    /// trains its own head on the shared backbone, weighted by <see cref="FineTuneOptions.SourceLambda"/>. Null: none.
    /// </param>
    /// <param name="overwrite">
    /// Whether <paramref name="run"/> may already hold a TransferGen run, whose files (<see cref="RunFolder.OwnFiles"/>, nothing
    /// else) are then removed first; without it the folder must be new or empty (see <see cref="RunFolder.CreateNew"/>).
    /// </param>
    /// <param name="cancellationToken">Stops the run after the current batch (a run folder then gets a checkpoint that
    /// <see cref="Resume"/> continues) with a <see cref="TrainingCancelledException"/>.</param>
    /// <remarks>The run folder is locked for the whole run (see <see cref="RunFolder.Lock"/>).</remarks>
    public FineTuneResult Run(ImageDataset dataset, RunFolder? run = null, string? datasetSpec = null, bool datasetStrict = false,
        SourceTask? source = null, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        Options.Validate();
        if (source is not null && Options.Freeze.Kind == FreezeKind.All)
            throw new InvalidOptionException("A source task trains the backbone on the source as well, but {0} all never trains the backbone; use another {0}.", "FineTuneOptions.Freeze");
        CheckNotItsOwnBackbone(run);
        if (ExtraTraining is not null && ExtraTrainingRatio is not (> 0 and < 1))
            throw new InvalidOptionException($"{{0}} must be between 0 and 1, got {ExtraTrainingRatio}.", "FineTuner.ExtraTrainingRatio");
        run?.CheckNew(RunKind, overwrite);
        return Execute(dataset, run, datasetSpec, datasetStrict, source, resume: null, held: null, overwrite, cancellationToken);
    }

    /// <summary>
    /// Continues the run in <paramref name="run"/> from its last checkpoint with the options in its config.json;
    /// the dataset is reloaded from the recorded spec unless <paramref name="dataset"/> is given. A run without a
    /// checkpoint starts over. A run with a joint objective reloads its source dataset likewise, unless
    /// <paramref name="source"/> is given. The folder is locked for the whole run.
    /// </summary>
    public static FineTuneResult Resume(RunFolder run, IEnumerable<ICallback>? callbacks = null, ImageDataset? dataset = null,
        ImageDataset? source = null, Device? device = null, CancellationToken cancellationToken = default)
    {
        RunConfig.Read(run);   // an InputException for a folder that is no classifier run, before it is locked
        using var held = run.Lock();
        var config = RunConfig.Read(run);
        if (config.ExtraTrainCount is > 0)
            throw new InputException($"{run.Path} trained on {config.ExtraTrainCount} generated images that were not saved with it, so it cannot be resumed; run it again.");
        config = config with { Options = config.Options with { Device = device ?? CPU } };
        var checkpoint = Checkpoint.In(run);
        var dataOptions = config.ToDatasetOptions();
        if (dataset is null)
        {
            if (config.Dataset is null) throw new InputException($"{run.ConfigPath} names no dataset to resume with.");
            dataset = DatasetResolver.Load(config.Dataset, dataOptions);
        }
        SourceTask? sourceTask = null;
        if (config.SourceClasses is { } sourceClasses)
        {
            if (source is null)
            {
                if (config.Source is null) throw new InputException($"{run.ConfigPath} names no source dataset to resume with.");
                source = DatasetResolver.Load(config.Source, dataOptions with { Classes = null });   // the selection is the target's
            }
            if (!source.Classes.SequenceEqual(sourceClasses))
                throw new InputException($"The source dataset's classes ({string.Join(", ", source.Classes)}) are not the run's ({string.Join(", ", sourceClasses)}).");
            sourceTask = new SourceTask(source, config.Source);
        }
        var tuner = new FineTuner(config.Options) { RunKind = config.Kind };
        if (callbacks is not null) tuner.Callbacks.AddRange(callbacks);
        config.Options.Validate();
        return tuner.Execute(dataset, run, config.Dataset, config.DatasetStrict, sourceTask, checkpoint, held, overwrite: false, cancellationToken);
    }

    // held: the run folder's lock when the caller took it (a resume); a new run takes it when it creates the folder.
    FineTuneResult Execute(ImageDataset dataset, RunFolder? run, string? datasetSpec, bool datasetStrict, SourceTask? source,
        Checkpoint? resume, IO.FolderLock? held, bool overwrite, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (source is not null) JointObjective.Check(source);
        if (resume is null) CheckNotItsOwnBackbone(run);
        var setup = Prepare(dataset);
        var (spec, device, train, validation, validationSource, weights, preprocessing, channels, model) = setup;
        var realTrainCount = setup.RealTrainCount;

        var config = new RunConfig
        {
            Kind = RunKind,
            // A run folder as backbone by its absolute path, so a resume from another directory finds it.
            Options = Options with { Backbone = spec.Name },
            Dataset = datasetSpec,
            DatasetStrict = datasetStrict,
            DatasetFormat = dataset.Format,
            DatasetMaxImagePixels = dataset.MaxImagePixels ?? Imaging.ImageCodec.DefaultMaxPixels,
            DatasetClasses = ClassSelection.Recorded(dataset),
            SkippedImages = SkippedImages.Of(dataset),
            LabelsPerClassUsed = Options.LabelsPerClass is { } k ? Subsampling.PerClassCounts(dataset["train"], k, dataset.Classes.Count) : null,
            Classes = dataset.Classes,
            DataChannels = channels,
            Backbone = spec.Name,
            Weights = weights,
            Preprocessing = preprocessing,
            FeatureDim = spec.FeatureDim,
            Source = source?.Spec,
            SourceClasses = source?.Dataset.Classes,
            SourceTrainCount = source?.Dataset["train"].Count,
            TrainCount = train.Count,
            ExtraTrainCount = ExtraTraining is null ? null : train.Count - realTrainCount,
            EpochImages = setup.EpochLength,
            ValidationCount = validation.Count,
            ValidationSource = validationSource,
            Device = Devices.Name(Options.Device),
            Versions = RunConfig.CurrentVersions(),
            Created = DateTime.UtcNow.ToString("O"),
            Command = Command,
        };
        if (run is not null && resume is not null) config = RunConfig.Read(run);
        using var created = run is not null && held is null ? run.CreateNew(RunKind, overwrite) : null;
        if (run is not null && resume is null) RunFolder.WriteJson(run.ConfigPath, config);

        // The source images are prepared like the target's, converted to the channels the backbone takes.
        var joint = source is null ? null : new JointObjective(source,
            TransferPipeline.Build(preprocessing, source.Dataset.Shape.Channels, Options.ImageSize, Options.Augment, spec.InputChannels),
            spec.FeatureDim, Options, device);
        using var session = OpenSession(setup, run, joint);
        var context = session.CreateContext();
        if (resume is not null)
        {
            IO.AtomicFile.RemoveStale(run!.Path);   // half-written files of the killed process
            resume.Restore(context);
        }

        using var best = FineTuneCallbacks.Best(session);
        var callbacks = FineTuneCallbacks.For(session, best, RunKind);
        callbacks.AddRange(Callbacks);
        new TrainingLoop<Batch>(session, callbacks).Fit(context, cancellationToken);

        best.Restore();
        model.eval();
        if (run is not null) RunFolder.SaveWeights(model, run.ModelPath);
        double? test = null;
        if (dataset.HasSplit("test"))
        {
            using var evaluation = Evaluator.Run(model, Options.TestSplit(dataset), session.EvalTransform, Options.BatchSize, device);
            test = evaluation.Accuracy();
            if (run is not null) RecordTestAccuracy(run, test.Value);
        }
        return new FineTuneResult
        {
            Model = new ImageClassifier(config, model, device, run?.Path),
            Classes = dataset.Classes,
            BestValidationAccuracy = Math.Max(0, best.BestScore),
            BestEpoch = best.BestEpoch + 1,
            TestAccuracy = test,
            History = context.History,
            StopReason = context.StopReason,
            Failed = context.StopIsFailure,
            TrainCount = train.Count,
            ValidationCount = validation.Count,
            Steps = context.GlobalStep,
            FeatureSeconds = session.FeatureTime.TotalSeconds,
            Seconds = clock.Elapsed.TotalSeconds,
            TotalSeconds = context.Seconds,
        };
    }

    // A new run in the folder of the run its backbone comes from would destroy that backbone (with overwrite too).
    void CheckNotItsOwnBackbone(RunFolder? run)
    {
        if (run is not null && RunBackbone.DependsOn(Options.Backbone, run.Path))
            throw new InputException($"{run.Path}: the run would overwrite the run its backbone comes from; choose another run folder.");
    }

    /// <summary>What a fine-tune builds before it trains; the learning-rate finder builds the same.</summary>
    internal sealed record Setup(BackboneSpec Spec, Device Device, ImageSplit Train, ImageSplit Validation, string ValidationSource,
        WeightsChoice Weights, Preprocessing Preprocessing, int Channels, Classifier Model)
    {
        /// <summary>Real images in <see cref="Train"/> (all of them without <see cref="ExtraTraining"/>).</summary>
        public int RealTrainCount { get; init; } = Train.Count;

        /// <summary>Images per training epoch when not one pass over <see cref="Train"/> (<see cref="EpochOfRealSize"/>).</summary>
        public int? EpochLength { get; init; }
    }

    /// <summary>
    /// Checks the options against the backbone, seeds LibTorch, subsamples and splits the data and builds the
    /// classifier on the device. The caller owns the model.
    /// </summary>
    internal Setup Prepare(ImageDataset dataset)
    {
        var spec = BackboneResolver.Get(Options.Backbone);
        Options.Freeze.Validate(spec);
        FineTunePhase.CheckFits(Options, spec);
        if (Options.ImageSize % spec.InputSizeMultiple != 0)
            throw new InvalidOptionException($"Backbone '{spec.Name}' needs an {{0}} that is a multiple of {spec.InputSizeMultiple}, got {Options.ImageSize}.", "FineTuneOptions.ImageSize");
        var device = Options.Device;
        torch.manual_seed(Options.Seed);

        var (train, validation, validationSource) = TrainingSplits(dataset);
        var realTrainCount = train.Count;
        if (ExtraTraining is not null) train = TrainingMix.Join(train, ExtraTraining, ExtraTrainingRatio, Options.Seed);
        var channels = dataset.Shape.Channels;
        var weights = Options.FromScratch ? WeightsChoice.Scratch
            : Options.WeightsFile is not null ? WeightsChoice.File
            : spec.CreatePretrained is not null ? WeightsChoice.Builtin
            : throw new InvalidOptionException($"Backbone '{spec.Name}' has no built-in weights; give {{0}} or set {{1}}.", "FineTuneOptions.WeightsFile", "FineTuneOptions.FromScratch");
        var seen = Backbones.ChannelsFor(spec, channels);
        var preprocessing = Backbones.EffectivePreprocessing(spec, seen, Options.Gray);
        var model = Backbones.CreateClassifier(spec, weights, Options.WeightsFile, dataset.Classes.Count, seen, Options.Gray, Options.Dropout,
            foldedBatchNorms: folded =>
            {
                // A folded BatchNorm is loaded as an identity over the file's statistics; batch statistics would
                // renormalise every channel the pretrained network had scaled, so the start is no longer the file's network.
                if (folded > 0 && !Options.KeepBatchNormStatistics)
                    Warn?.Invoke($"{Options.WeightsFile} had {folded} BatchNorm layer(s) folded into its convolutions (an ONNX export in eval mode); " +
                                 "with --train-bn-stats they normalise with batch statistics and no longer compute what the file does. " +
                                 "Keep the default (running statistics kept), or give the weights as a .pt/.safetensors state dict.");
            });
        model.to(device);
        return new Setup(spec, device, train, validation, validationSource, weights, preprocessing, channels, model) { RealTrainCount = realTrainCount, EpochLength = ExtraTraining is not null && EpochOfRealSize ? realTrainCount : null };
    }

    /// <summary>The session that trains <paramref name="setup"/>'s model: its phases, loaders (augmenting for training) and optimisers.</summary>
    internal FineTuneSession OpenSession(Setup setup, RunFolder? run, JointObjective? joint = null) =>
        new(Options, setup.Spec, setup.Model, setup.Device, setup.Train, setup.Validation,
            TransferPipeline.Build(setup.Preprocessing, setup.Channels, Options.ImageSize, Options.Augment, setup.Spec.InputChannels),
            TransferPipeline.Build(setup.Preprocessing, setup.Channels, Options.ImageSize, augment: false, setup.Spec.InputChannels), run, joint,
            setup.EpochLength);

    /// <summary>Adds the test accuracy of the selected model to metrics.json, so a run folder holds its final score.</summary>
    static void RecordTestAccuracy(RunFolder run, double accuracy)
    {
        var path = Path.Combine(run.Path, "metrics.json");
        if (!File.Exists(path)) return;
        var summary = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?.AsObject();
        if (summary is null) return;
        summary["test_accuracy"] = accuracy;
        IO.AtomicFile.WriteAllText(path, summary.ToJsonString(IO.JsonDefaults.Options));
    }

    /// <summary>
    /// The real training and validation images a run with these options uses: "train" subsampled to
    /// <see cref="FineTuneOptions.LabelsPerClass"/> per class (seeded), validation from "val" or carved from it, and where
    /// the validation came from. A GAN meant to add images to this run trains on <c>Train</c> alone.
    /// </summary>
    public (ImageSplit Train, ImageSplit Validation, string Source) TrainingSplits(ImageDataset dataset)
    {
        var train = dataset["train"];
        if (Options.LabelsPerClass is { } k)
        {
            if (Subsampling.ShortClassesWarning(train, k, dataset.Classes) is { } warning) Warn?.Invoke(warning);
            train = Subsampling.PerClass(train, k, Options.Seed);
        }
        if (dataset.HasSplit("val")) return (train, dataset["val"], "val");
        var (kept, validation) = Subsampling.StratifiedSplit(train, Options.ValidationFraction, Options.Seed, "train", "val");
        return (kept, validation, "carved from train");
    }
}
