using System.ComponentModel;
using Spectre.Console.Cli;
using TransferGen.Cli.Progress;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Generation.Augmentation;
using TransferGen.Training;
using TransferGen.Models;
using TransferGen.Models.Gan;
using TransferGen.Transfer;

namespace TransferGen.Cli.Commands.Gan;

/// <summary>`transfergen gan train`: trains a GAN into a run folder, or resumes one.</summary>
public sealed class GanTrainCommand : Command<GanTrainCommand.Settings>
{
    /// <summary>Exit code when a divergence detector stopped the run (the last good checkpoint is kept).</summary>
    public const int Diverged = 3;

    /// <summary>Options of `gan train`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>Dataset spec.</summary>
        [CommandOption("--data <D>")]
        [Description("Training data: a builtin name (fashion-mnist) or a dataset folder. Not needed with --resume.")]
        public string? Data { get; init; }

        /// <summary>Architecture.</summary>
        [CommandOption("--arch <ARCH>")]
        [Description("mlp, dcgan or cdcgan (class-conditional). Default dcgan.")]
        public string? Arch { get; init; }

        /// <summary>Run folder.</summary>
        [CommandOption("--out <RUN>")]
        [Description("Run folder to create (new or empty, or an earlier run with --overwrite): config.json, metrics.json(l), samples/, tensorboard/, checkpoint.pt, model.pt (the EMA generator), curves.png.")]
        public string? Out { get; init; }

        /// <summary>Replace the run in --out.</summary>
        [CommandOption("--overwrite")]
        [Description("Let --out be an earlier TransferGen run folder: the files TransferGen wrote there are removed first (nothing else is); without it --out must be new or empty.")]
        public bool Overwrite { get; init; }

        /// <summary>Total epochs.</summary>
        [CommandOption("--epochs <E>")]
        [Description("Total epochs (with --resume: the new total). Default 5, or 1 with --dry-run.")]
        public int? Epochs { get; init; }

        /// <summary>Image side.</summary>
        [CommandOption("--image-size <N>")]
        [Description("Square image side: 28, 32 or 64 for the DCGANs. Default: the data's size if supported, else 32.")]
        public int? ImageSize { get; init; }

        /// <summary>Seed.</summary>
        [CommandOption("--seed <S>")]
        [Description("Seed of weights, data order, subsets and latent draws. Default 0.")]
        public int? Seed { get; init; }

        /// <summary>Images per class.</summary>
        [CommandOption("--labels-per-class <K>")]
        [Description("Train on only K images per class (seeded).")]
        public int? LabelsPerClass { get; init; }

        /// <summary>Strict reading of an image folder.</summary>
        [CommandOption("--strict")]
        [Description("Fail on the first corrupt or unreadable image in a folder instead of skipping it.")]
        public bool Strict { get; init; }

        /// <summary>The pixel limit of image files.</summary>
        [CommandOption("--max-image-pixels <N>")]
        [Description("Skip image files whose header claims more than N pixels (width × height; an error with --strict). Default 100000000, at most 500000000.")]
        public long? MaxImagePixels { get; init; }

        /// <summary>Image cap.</summary>
        [CommandOption("--max-images <N>")]
        [Description("Train on a seeded random subset of N images.")]
        public int? MaxImages { get; init; }

        /// <summary>Classes to train on.</summary>
        [CommandOption("--classes <LIST>")]
        [Description("Train on these classes only: a comma list of indices or names (5,6,7 or Sandal,Shirt), relabelled 0..k-1 in that order under their names.")]
        public string? Classes { get; init; }

        /// <summary>Differentiable augmentation of D's inputs.</summary>
        [CommandOption("--augment <POLICY>")]
        [Description("Differentiable augmentation of everything the discriminator sees (DiffAugment): none (default), diff (= color,translation,cutout) or a comma list of color, translation, cutout. With --ada or --d-backbone the default is diff.")]
        public string? Augmentation { get; init; }

        /// <summary>Adaptive augmentation probability.</summary>
        [CommandOption("--ada")]
        [Description("Adaptive discriminator augmentation (ADA): apply each augmentation to each image with a probability p that starts at 0 and follows D's overfitting signal r (the mean sign of D's logits on the real images) towards --ada-target; p is logged per epoch (ada_p).")]
        public bool Ada { get; init; }

        /// <summary>ADA's target.</summary>
        [CommandOption("--ada-target <R>")]
        [Description("ADA's target for r, the mean sign of D's logits on the real images: between 0 and 1. Default 0.6.")]
        public double? AdaTarget { get; init; }

        /// <summary>ADA's speed.</summary>
        [CommandOption("--ada-speed <IMAGES>")]
        [Description("ADA: the images over which p can move from 0 to 1 (p changes by (batch x 4) / IMAGES every 4 steps). Default 500000.")]
        public double? AdaSpeedImages { get; init; }

        /// <summary>Loss.</summary>
        [CommandOption("--loss <LOSS>")]
        [Description("ns (non-saturating, default), hinge or wgan-gp (needs --spectral-norm or the mlp, for a BatchNorm-free critic).")]
        public string? Loss { get; init; }

        /// <summary>How the conditional discriminator uses the class.</summary>
        [CommandOption("--conditioning <KIND>")]
        [Description("cdcgan only: projection (default; Miyato & Koyama 2018) or acgan (auxiliary classifier, Odena et al. 2017).")]
        public string? Conditioning { get; init; }

        /// <summary>Spectral norm in D.</summary>
        [CommandOption("--spectral-norm")]
        [Description("Spectral normalization in every discriminator layer (BatchNorm is then off in D).")]
        public bool SpectralNorm { get; init; }

        /// <summary>The frozen feature network of a pretrained-feature discriminator.</summary>
        [CommandOption("--d-backbone <NAME|RUN>")]
        [Description("Train against a pretrained-feature discriminator (Projected GAN): frozen early stages of resnet18-imagenet, or of the backbone of a `finetune` run folder, each followed by a fixed random 1x1 projection and a small spectral-norm head. Hinge loss and --augment diff by default.")]
        public string? DBackbone { get; init; }

        /// <summary>The backbone's input side.</summary>
        [CommandOption("--d-resolution <N>")]
        [Description("With --d-backbone: side the images are upsampled to before the backbone (a multiple of 32 for resnet18-imagenet, at least the image size). Default 64.")]
        public int? DResolution { get; init; }

        /// <summary>The tapped stages.</summary>
        [CommandOption("--d-stages <S,...>")]
        [Description("With --d-backbone: comma-separated backbone stages to tap, in forward order (see `transfergen backbones`). Default layer1,layer2,layer3.")]
        public string? DStages { get; init; }

        /// <summary>Batch size.</summary>
        [CommandOption("--batch-size <B>")]
        [Description("Images per step. Default 32 (chosen by measurement; 64 before 2026-12-02).")]
        public int? BatchSize { get; init; }

        /// <summary>G learning rate.</summary>
        [CommandOption("--g-lr <LR>")]
        [Description("Generator Adam learning rate. Default 2e-4.")]
        public double? GLr { get; init; }

        /// <summary>D learning rate.</summary>
        [CommandOption("--d-lr <LR>")]
        [Description("Discriminator Adam learning rate (TTUR: may differ from --g-lr). Default 2e-4.")]
        public double? DLr { get; init; }

        /// <summary>Mode-seeking weight.</summary>
        [CommandOption("--mode-seeking <L>")]
        [Description("Weight of MSGAN's mode-seeking term in the generator loss, which punishes a generator whose images do not change with z (within-class collapse). Default 0 (off), and 1 with --d-backbone, where it measured best; MSGAN used 1.")]
        public double? ModeSeeking { get; init; }

        /// <summary>EMA decay.</summary>
        [CommandOption("--ema-decay <X>")]
        [Description("Decay of the generator's weight average used for samples and the saved model. Default 0.999.")]
        public double? EmaDecay { get; init; }

        /// <summary>Source run of a GAN transfer.</summary>
        [CommandOption("--init <RUN>")]
        [Description("Start G, D and the EMA generator from the finished GAN run RUN (GAN transfer), with fresh optimizers. Its --arch, image size, channels and network options must match; with another class count the class embeddings and projection start fresh.")]
        public string? Init { get; init; }

        /// <summary>FreezeD.</summary>
        [CommandOption("--freeze-d <N>")]
        [Description("With --init: freeze the discriminator's first N feature blocks (no gradient, BatchNorm in eval), as FreezeD. Default 0.")]
        public int? FreezeD { get; init; }

        /// <summary>Run to resume.</summary>
        [CommandOption("--resume <RUN>")]
        [Description("Continue RUN from its checkpoint; options other than --epochs and --device come from its config.")]
        public string? Resume { get; init; }

        /// <summary>Device.</summary>
        [CommandOption("--device <DEV>")]
        [Description("cpu (default), cuda or cuda:N.")]
        public string? Device { get; init; }

        /// <summary>Smoke run.</summary>
        [CommandOption("--dry-run")]
        [Description("Two steps on 16 images: checks the whole code path in seconds.")]
        public bool DryRun { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        GanTrainingResult result;
        string run;
        using (var progress = RunProgress.ForStderr(json: false))
        {
            ICallback[] callbacks = [new ProgressCallback(progress, ProgressFormat.Gan)];
            if (s.Resume is { } resume)
            {
                if (s.Out is not null && Path.GetFullPath(s.Out) != Path.GetFullPath(resume))
                    throw new InputException("--resume continues a run in its own folder; leave out --out or give the same folder.");
                if (s.Overwrite) throw new InputException("--overwrite starts a new run in --out; --resume continues one, so give only one of them.");
                var folder = RunFolder.Existing(resume);
                // What refuses the resume says so before anything is announced: no or a damaged checkpoint, a run in progress.
                var (saved, _) = GanTrainer.CheckResume(folder, s.Epochs);
                folder.Lock().Dispose();
                run = resume;
                Console.Error.WriteLine($"Resuming {run} ({saved.Options.Arch} on {saved.Options.Data}) up to epoch {s.Epochs ?? saved.Options.Epochs}.");
                var dataset = string.IsNullOrWhiteSpace(saved.Options.Data) ? null : CliDatasets.Load(saved.Options.Data, saved.Options.ToDatasetOptions());
                result = GanTrainer.Resume(new RunFolder(resume), s.Epochs, s.Device is null ? null : Devices.Parse(s.Device), callbacks, dataset, cancellationToken);
            }
            else
            {
                var config = ForNewRun(s);
                run = s.Out!;
                // Refusals first, so nothing announces a run that will not start.
                config.Validate(requireData: true);
                if (config.InitFrom is { } source) GanTransfer.CheckSource(source, config, shape: null);
                GanTrainer.CheckDiscriminatorBackbone(config);
                new RunFolder(run).CheckNew(GanRunConfig.RunKind, s.Overwrite);
                var against = config.Model.Projected is { } projected ? $" against frozen {projected.DBackbone} features" : "";
                Console.Error.WriteLine($"Training {config.Arch}{against} on {config.Data} into {run} for {config.Epochs} epoch(s){(config.DryRun ? " (dry run)" : "")}.");
                var dataset = CliDatasets.Load(config.Data, config.ToDatasetOptions());
                if (GanTrainingData.LabelsWarning(dataset, config) is { } warning) CliConsole.Warn(warning);
                result = GanTrainer.Train(dataset, config, new RunFolder(run), callbacks, s.Overwrite, cancellationToken, RunCommandLine.Of(context.Arguments));
            }
        }

        using (result)
        {
            if (result.Diverged)
            {
                Console.Error.WriteLine($"error: {result.Context.StopReason}. The last good checkpoint (epoch {result.Context.History.Count}) is kept in {run}.");
                return Diverged;
            }
            Console.WriteLine($"Trained {result.Context.History.Count} epoch(s) on {result.TrainImages} images ({result.StepsPerEpoch} steps/epoch); " +
                              $"samples in {Path.Combine(run, "samples")}, generator in {new RunFolder(run).ModelPath}.");
        }
        return 0;
    }

    static GanTrainingConfig ForNewRun(Settings s)
    {
        if (s.Out is null) throw new InputException("No run folder given: pass --out RUN (or --resume RUN to continue one).");
        if (s.Data is null) throw new InputException("No training data given: pass --data (a builtin name or a dataset folder).");
        if (!s.Ada && (s.AdaTarget is not null || s.AdaSpeedImages is not null))
            throw new InputException("--ada-target and --ada-speed tune --ada; add --ada or leave them out.");
        var defaults = new GanTrainingConfig();
        var steps = new GanStepOptions();
        var config = new GanTrainingConfig
        {
            Data = s.Data,
            Arch = (s.Arch ?? "dcgan").Trim().ToLowerInvariant(),
            ImageSize = s.ImageSize,
            Epochs = s.Epochs ?? (s.DryRun ? 1 : defaults.Epochs),
            Seed = s.Seed ?? 0,
            LabelsPerClass = s.LabelsPerClass,
            Strict = s.Strict,
            MaxImagePixels = s.MaxImagePixels ?? defaults.MaxImagePixels,
            MaxImages = s.MaxImages,
            BatchSize = s.BatchSize ?? defaults.BatchSize,
            EmaDecay = s.EmaDecay ?? defaults.EmaDecay,
            Device = Devices.Parse(s.Device ?? "cpu"),
            DryRun = s.DryRun,
            InitFrom = s.Init,
            FreezeD = s.FreezeD ?? 0,
            Classes = s.Classes is null ? null : ClassSelection.Parse(s.Classes, $"{nameof(GanTrainingConfig)}.{nameof(GanTrainingConfig.Classes)}"),
            Augmentation = s.Augmentation ?? (s.Ada ? DiffAugment.Diff : DiffAugment.None),
            Ada = s.Ada,
            AdaTarget = s.AdaTarget ?? defaults.AdaTarget,
            AdaSpeedImages = s.AdaSpeedImages ?? defaults.AdaSpeedImages,
            Model = new GanOptions { SpectralNorm = s.SpectralNorm, Conditioning = ParseConditioning(s.Conditioning, s.Arch), Projected = ParseProjected(s) },
            Step = steps with
            {
                Loss = s.Loss is null ? steps.Loss : GanLoss.Parse(s.Loss),
                GeneratorLearningRate = s.GLr ?? steps.GeneratorLearningRate,
                DiscriminatorLearningRate = s.DLr ?? steps.DiscriminatorLearningRate,
                ModeSeekingWeight = s.ModeSeeking ?? steps.ModeSeekingWeight,
            },
        };
        // Hinge loss, DiffAugment and mode seeking unless the user chose otherwise (--ada chooses the augmentation too).
        config = ProjectedGanDefaults.Apply(config, lossChosen: s.Loss is not null, augmentationChosen: s.Augmentation is not null || s.Ada,
            modeSeekingChosen: s.ModeSeeking is not null);
        return config with { BackboneResolver = RunFolderBackbone };
    }

    /// <summary>A run folder named by --d-backbone: the backbone of that `finetune` or `pretrain` run; null for any other name.</summary>
    static BackboneSpec? RunFolderBackbone(string name) => RunBackbone.IsFolderName(name) ? RunBackbone.Load(name) : null;

    static ProjectedDiscriminatorOptions? ParseProjected(Settings s)
    {
        if (s.DBackbone is null)
        {
            if (s.DResolution is not null || s.DStages is not null)
                throw new InputException("--d-resolution and --d-stages configure the pretrained-feature discriminator; give them with --d-backbone.");
            return null;
        }
        var defaults = new ProjectedDiscriminatorOptions();
        return defaults with
        {
            DBackbone = s.DBackbone,
            DResolution = s.DResolution ?? defaults.DResolution,
            DStages = s.DStages is null ? defaults.DStages
                : s.DStages.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
    }

    static ConditionalDiscriminator ParseConditioning(string? value, string? arch)
    {
        if (value is null) return new GanOptions().Conditioning;
        if (!GanFactory.IsConditional(arch ?? "dcgan"))
            throw new InputException("--conditioning applies to the class-conditional --arch cdcgan only.");
        return value.Trim().ToLowerInvariant() switch
        {
            "projection" => ConditionalDiscriminator.Projection,
            "acgan" or "ac-gan" => ConditionalDiscriminator.AuxiliaryClassifier,
            _ => throw new InputException($"--conditioning must be projection or acgan, got '{value}'."),
        };
    }
}
