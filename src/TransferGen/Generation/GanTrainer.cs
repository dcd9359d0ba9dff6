using TorchSharp;
using TransferGen.Data;
using TransferGen.Generation.Augmentation;
using TransferGen.Models.Gan;
using TransferGen.Training;
using TransferGen.Training.Callbacks;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>How a GAN run ended. Disposing it frees <see cref="Generator"/>.</summary>
/// <param name="Context">The loop's final state (history, steps, stop reason).</param>
/// <param name="Generator">The trained EMA generator, in eval mode: the caller's to dispose.</param>
/// <param name="Info">What the generator is (architecture, shape, classes).</param>
/// <param name="TrainImages">Images trained on.</param>
/// <param name="StepsPerEpoch">Steps per epoch.</param>
/// <param name="ResumedFromEpoch">Epochs already done when the run started (0 for a fresh run).</param>
public sealed record GanTrainingResult(GanTrainingContext Context, GanGenerator Generator, GanModelInfo Info, int TrainImages,
    int StepsPerEpoch, int ResumedFromEpoch) : IDisposable
{
    /// <summary>True when a divergence detector stopped the run.</summary>
    public bool Diverged => Context.StopIsFailure;

    /// <inheritdoc />
    public void Dispose() => Generator.Dispose();
}

/// <summary>
/// Trains a GAN with the one <see cref="TrainingLoop{TBatch}"/>: each step is <see cref="GanStep.Run"/> (D update, then
/// G update, each through the loop's step events) followed by an EMA update. A run folder gets config.json (kind
/// "gan"), metrics, sample grids, curves, TensorBoard scalars, model.pt (the EMA generator) and checkpoint.pt at every
/// epoch end (and on a cancel), in the format every kind of run shares.
/// </summary>
public static class GanTrainer
{
    // Streams derived from the one user seed, so weights, latents and the sample grid never share random numbers.
    const long LatentStream = 0x4C41_5445, GridStream = 0x4752_4944, AugmentStream = 0x4155_474D;

    /// <summary>
    /// Trains on the dataset <paramref name="config"/> names (<see cref="GanTrainingConfig.Data"/>) into <paramref name="run"/>,
    /// which must be a new or empty folder, or with <paramref name="overwrite"/> a TransferGen run folder (see
    /// <see cref="RunFolder.CreateNew"/>).
    /// </summary>
    public static GanTrainingResult Train(GanTrainingConfig config, string run, IEnumerable<ICallback>? callbacks = null,
        bool overwrite = false, CancellationToken cancellationToken = default)
    {
        config.Validate(requireData: true);
        var folder = new RunFolder(run);
        folder.CheckNew(GanRunConfig.RunKind, overwrite);
        return Run(GanTrainingData.Load(config), config, folder, resume: null, held: null, overwrite, callbacks, cancellationToken);
    }

    /// <summary>
    /// Trains a GAN on <paramref name="dataset"/> (its train split, or its first), in memory or, given
    /// <paramref name="run"/>, into that run folder.
    /// </summary>
    /// <param name="dataset">The images (and, for a conditional architecture, their labels).</param>
    /// <param name="config">The options.</param>
    /// <param name="run">The run folder to write; null keeps everything in memory.</param>
    /// <param name="callbacks">More callbacks, e.g. a progress display.</param>
    /// <param name="overwrite">Whether <paramref name="run"/> may hold an earlier TransferGen run, whose files (only those,
    /// see <see cref="RunFolder.OwnFiles"/>) are then removed first; without it the folder must be new or empty.</param>
    /// <param name="cancellationToken">Stops after the current step (a run folder then holds a checkpoint
    /// <see cref="Resume"/> continues) with a <see cref="TrainingCancelledException"/>.</param>
    /// <param name="command">The command line that started the run, recorded in config.json (see <see cref="GanRunConfig.Command"/>).</param>
    public static GanTrainingResult Train(ImageDataset dataset, GanTrainingConfig config, RunFolder? run = null,
        IEnumerable<ICallback>? callbacks = null, bool overwrite = false, CancellationToken cancellationToken = default,
        RunCommandLine? command = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        config.Validate(requireData: false);
        run?.CheckNew(GanRunConfig.RunKind, overwrite);
        return Run(GanTrainingData.From(dataset, config), config, run, resume: null, held: null, overwrite, callbacks, cancellationToken, command);
    }

    /// <summary>
    /// Continues the GAN run in <paramref name="run"/> from its checkpoint, with the options of its config.json (and its
    /// dataset, reloaded from the recorded spec unless <paramref name="dataset"/> is given). The folder is locked for the
    /// whole run.
    /// </summary>
    /// <param name="run">The run folder.</param>
    /// <param name="epochs">A new total number of epochs (more than the checkpoint has); null keeps the config's.</param>
    /// <param name="device">The device to train on (the CPU when null).</param>
    /// <param name="callbacks">More callbacks.</param>
    /// <param name="dataset">The data, when the run was trained on a dataset built in code.</param>
    /// <param name="cancellationToken">As for <see cref="Train(ImageDataset, GanTrainingConfig, RunFolder?, IEnumerable{ICallback}?, bool, CancellationToken, RunCommandLine?)"/>.</param>
    public static GanTrainingResult Resume(RunFolder run, int? epochs = null, Device? device = null, IEnumerable<ICallback>? callbacks = null,
        ImageDataset? dataset = null, CancellationToken cancellationToken = default)
    {
        CheckResume(run, epochs);   // an InputException for a folder that is no GAN run, before it is locked
        var held = run.Lock();
        try
        {
            var (saved, checkpoint) = CheckResume(run, epochs);
            var config = saved.Options with { Epochs = epochs ?? saved.Options.Epochs, Device = device ?? CPU };
            config.Validate(requireData: dataset is null);
            var data = dataset is null ? GanTrainingData.Load(config) : GanTrainingData.From(dataset, config);
            return Run(data, config, run, checkpoint, held, overwrite: false, callbacks, cancellationToken);
        }
        finally
        {
            held.Dispose();
        }
    }

    /// <summary>
    /// What <see cref="Resume"/> of <paramref name="run"/> up to <paramref name="epochs"/> would continue from, read without
    /// training or locking: an <see cref="InputException"/> when it is no GAN run, has no checkpoint or a damaged one, or
    /// has trained that many epochs already (so a front end can refuse before it announces the resume).
    /// </summary>
    public static (GanRunConfig Config, Checkpoint Checkpoint) CheckResume(RunFolder run, int? epochs = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var saved = GanRunConfig.Read(run);
        var checkpoint = Checkpoint.In(run)
                         ?? throw new InvalidOptionException($"{Escaped(run.Path)} holds no checkpoint to resume from: the run stopped before its first epoch " +
                                                             "ended; start it again with {0}.", "Overwrite");
        var done = checkpoint.State.EpochsCompleted;
        if ((epochs ?? saved.Options.Epochs) <= done && checkpoint.State.BatchesDone == 0)
            throw new InvalidOptionException($"{Escaped(run.Path)} has already trained {done} epoch(s); pass a larger {{0}} to continue.",
                $"{nameof(GanTrainingConfig)}.{nameof(GanTrainingConfig.Epochs)}");
        return (saved, checkpoint);
    }

    /// <summary>
    /// Checks, without loading data or building networks, that the pretrained-feature discriminator
    /// <paramref name="config"/> asks for can be built: its backbone exists (registered, or a run folder through
    /// <see cref="GanTrainingConfig.BackboneResolver"/>) and has the stages and input size asked for. An
    /// <see cref="InputException"/> naming the problem (the image size is checked when training starts); nothing for a
    /// run without one.
    /// </summary>
    public static void CheckDiscriminatorBackbone(GanTrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        ProjectedGanSetup.Resolve(config, shape: null);
    }

    static string Escaped(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    // held: the run folder's lock when the caller took it (a resume); a new run takes it when it creates the folder.
    static GanTrainingResult Run(GanTrainingData data, GanTrainingConfig config, RunFolder? run, Checkpoint? resume, IO.FolderLock? held,
        bool overwrite, IEnumerable<ICallback>? extraCallbacks, CancellationToken cancellationToken, RunCommandLine? command = null)
    {
        // The backbone of a pretrained-feature discriminator is resolved and checked before the run folder is made.
        (config, var dBackbone) = ProjectedGanSetup.Resolve(config, data.Shape);
        var dBatchNorm = config.Model.Projected is null ? config.Model.UseDiscriminatorBatchNorm && config.Arch != "mlp" : config.Model.DiscriminatorBatchNorm ?? true;
        if (config.Step.Loss == GanLossKind.WganGp && dBatchNorm && config.Model.Projected is not null)
            throw new InvalidOptionException("WGAN-GP needs a discriminator without BatchNorm: set {0} to false for the heads of {1}, or use another {2}.",
                "GanOptions.DiscriminatorBatchNorm", "ProjectedDiscriminatorOptions.DBackbone", "GanStepOptions.Loss");
        if (config.Step.Loss == GanLossKind.WganGp && dBatchNorm)
            throw new InvalidOptionException("WGAN-GP needs a discriminator without BatchNorm: set {0} (which turns BatchNorm off) or use another {1}.",
                "GanOptions.SpectralNorm", "GanStepOptions.Loss");
        var device = config.Device;
        var conditional = GanFactory.IsConditional(config.Arch);
        if (resume is null && config.InitFrom is { } source)
        {
            GanTransfer.CheckSource(source, config, data.Shape);   // before the folder is made
            config = config with { InitFrom = Path.GetFullPath(source) };
        }
        using var created = run is not null && held is null ? run.CreateNew(GanRunConfig.RunKind, overwrite) : null;

        manual_seed(config.Seed);
        var (g, d) = GanFactory.Create(config.Arch, data.Shape, data.Classes.Count, config.Model);
        var emaG = GanFactory.CreateGenerator(config.Arch, data.Shape, data.Classes.Count, config.Model);
        var keepEma = false;
        try
        {
            GanInitSource? initSource = null;
            if (resume is null && config.InitFrom is { } from)
                initSource = GanTransfer.Initialize(from, config, data.Shape, data.Classes.Count, g, d, emaG);
            GanTransfer.Freeze(d, config.FreezeD);
            if (d is ProjectedDiscriminator projected && resume is null)
                config = config with { Model = config.Model with { Projected = ProjectedGanSetup.Freeze(projected, dBackbone!, resumed: false) } };
            var info = new GanModelInfo(config.Arch, data.Shape.Channels, data.Shape.Height, data.Classes, conditional, config.Model);
            g.to(device);
            d.to(device);
            emaG.to(device);
            emaG.eval();
            var ema = new Ema<GanGenerator>(g, emaG, config.EmaDecay);
            var (optG, optD) = config.Step.CreateOptimizers(g, d);
            using var disposeOptimizers = new Disposables(optG, optD);
            using var latentRng = new Generator((ulong)(config.Seed ^ LatentStream), device);
            // Augmentation draws from a stream of its own: turning it on changes no latent, and its state is checkpointed.
            var policy = DiffAugment.Parse(config.Augmentation, $"{nameof(GanTrainingConfig)}.{nameof(GanTrainingConfig.Augmentation)}");
            using var augmentRng = policy.IsEmpty ? null : new Generator((ulong)(config.Seed ^ AugmentStream), device);
            var ada = config.Ada ? new AdaptiveAugmentation(config.AdaTarget, speedImages: config.AdaSpeedImages) : null;
            Func<Tensor, Tensor>? augment = augmentRng is null ? null : images => policy.Apply(images, augmentRng, ada?.Probability ?? 1.0);

            var steps = data.StepsPerEpoch(config);
            var context = new GanTrainingContext(g, d, emaG, device)
            {
                Epochs = config.Epochs,
                BatchesPerEpoch = steps,
                Phase = new TrainingPhase("gan", 0, config.Epochs),
            };
            context.SetOptimizer("g", optG);
            context.SetOptimizer("d", optD);
            context.AddGenerator("latent", latentRng);
            if (augmentRng is not null) context.AddGenerator("augment", augmentRng);
            var resumedFrom = 0;
            if (run is not null && resume is not null)
            {
                IO.AtomicFile.RemoveStale(run.Path);   // half-written files of the killed process
                resume.Restore(context);
                resumedFrom = resume.State.EpochsCompleted;
                if (d is ProjectedDiscriminator restored) ProjectedGanSetup.Freeze(restored, dBackbone!, resumed: true);
            }
            if (run is not null) WriteConfig(run, config, data, info, initSource, command);

            var callbacks = new List<ICallback> { new NonFiniteLossStop(), new EpochTimer() };
            if (ada is not null) callbacks.Add(ada);
            // WGAN-GP's critic loss is unbounded and often near 0 in healthy runs, so "D won" cannot be read from it.
            if (config.Step.Loss != GanLossKind.WganGp)
                callbacks.Add(new DiscriminatorCollapseStop(config.CollapseSteps, config.CollapseThreshold));
            if (run is not null)
            {
                callbacks.Add(new GanSampleGridCallback(emaG, run.Path, config.Seed ^ GridStream));
                callbacks.Add(new MetricsLog(run.Path));
                callbacks.Add(new TensorBoardLog(run.TensorBoardPath));
                callbacks.Add(new TrainingCurvesCallback(run.Path));
                callbacks.Add(new ModelWriter(emaG, run.ModelPath));
                callbacks.Add(new CheckpointWriter(run.Path, GanRunConfig.RunKind));
            }
            if (extraCallbacks is not null) callbacks.AddRange(extraCallbacks);

            var task = new DelegateTask<Batch>(
                (epoch, first) => config.DryRun ? data.Loader.EpochFrom(epoch, first).Take(steps - first) : data.Loader.EpochFrom(epoch, first),
                (batch, ctx) =>
                {
                    var onDevice = device.type == DeviceType.CPU;
                    var real = onDevice ? batch.Images : batch.Images.to(device);
                    var labels = !conditional ? null : onDevice ? batch.Labels : batch.Labels.to(device);
                    var result = GanStep.Run(g, d, optG, optD, real, labels, config.Step, latentRng, ctx, augment);
                    ema.Update(EmaDecayAt(config.EmaDecay, ctx.GlobalStep));
                    var figures = new Dictionary<string, double>
                    {
                        ["d_loss"] = result.DLoss,
                        ["g_loss"] = result.GLoss,
                        ["d_real"] = result.DReal,
                        ["d_fake"] = result.DFake,
                    };
                    if (augment is not null) figures[AdaptiveAugmentation.SignalFigure] = result.DRealSign;
                    return figures;
                });
            g.train();
            d.train();
            GanTransfer.EvalFrozen(d, config.FreezeD);
            new TrainingLoop<Batch>(task, callbacks).Fit(context, cancellationToken);
            emaG.eval();
            keepEma = true;
            return new GanTrainingResult(context, emaG, info, data.Split.Count, steps, resumedFrom);
        }
        finally
        {
            g.Dispose();
            d.Dispose();
            if (!keepEma) emaG.Dispose();
        }
    }

    static void WriteConfig(RunFolder run, GanTrainingConfig config, GanTrainingData data, GanModelInfo info, GanInitSource? initSource, RunCommandLine? command)
    {
        var previous = File.Exists(run.ConfigPath) && RunFolder.ReadKind(run.Path) == GanRunConfig.RunKind
            ? RunFolder.ReadJson<GanRunConfig>(run.ConfigPath)
            : null;
        RunFolder.WriteJson(run.ConfigPath, new GanRunConfig
        {
            // Selected classes by name: what an index meant on this data, read back the same way by a resume.
            Options = data.SelectedClasses ? config with { Classes = info.Classes } : config,
            Dataset = string.IsNullOrWhiteSpace(config.Data) ? null : config.Data,
            Classes = info.Classes,
            DataChannels = info.Channels,
            ImageSize = info.ImageSize,
            Conditional = info.Conditional,
            TrainCount = data.Split.Count,
            SkippedImages = data.Skipped,
            LabelsPerClassUsed = data.LabelsPerClassUsed,
            Device = Devices.Name(config.Device),
            Versions = previous?.Versions ?? RunFolder.CurrentVersions(),
            Created = previous?.Created ?? DateTime.UtcNow.ToString("O"),
            InitializedFrom = initSource ?? previous?.InitializedFrom,
            // A resume keeps the command that started the run: it is what reproduces the run from the beginning.
            Command = previous?.Command ?? command,
        });
    }

    /// <summary>
    /// The EMA decay used at <paramref name="step"/>: min(decay, (1 + step) / (10 + step)). With a fixed 0.999 the
    /// average would still be 90 % random initial weights after 100 steps, so early sample grids would show noise;
    /// the warm-up lets it follow the generator closely at first. A function of the global step alone, so a resumed
    /// run averages exactly as an uninterrupted one.
    /// </summary>
    public static double EmaDecayAt(double decay, long step) => Math.Min(decay, (1.0 + step) / (10.0 + step));

    sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }
}
