using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Benchmarks.Gan;
using TransferGen.Cli.Progress;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen bench gan-transfer`: small-data GAN recipes (scratch, DiffAugment, ADA, TransferGAN, FreezeD, a pretrained-feature D) on one budget.</summary>
public sealed class BenchGanTransferCommand : Command<BenchGanTransferCommand.Settings>
{
    /// <summary>Options of `bench gan-transfer`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>The dataset.</summary>
        [CommandOption("--data <DATASET>")]
        [Description("Dataset both domains come from: fashion-mnist (default) or a folder with train and test splits, such as an IDX folder.")]
        public string? Data { get; init; }

        /// <summary>Source classes.</summary>
        [CommandOption("--source-classes <LIST>")]
        [Description("Classes of the source GAN, all of their training images: indices or names (default 0,1,2,3,4).")]
        public string? SourceClasses { get; init; }

        /// <summary>Target classes.</summary>
        [CommandOption("--target-classes <LIST>")]
        [Description("Classes of the small target set, scored against their test images: indices or names (default 5,6,7,8,9).")]
        public string? TargetClasses { get; init; }

        /// <summary>Methods.</summary>
        [CommandOption("--methods <LIST>")]
        [Description("Comma-separated: scratch, diffaug, ada, transfer, transfer-freezed, transfer-diffaug, projected (default all; projected is several times slower per step than the rest).")]
        public string? Methods { get; init; }

        /// <summary>Seeds.</summary>
        [CommandOption("--seeds <LIST>")]
        [Description("Comma-separated training seeds of every method (default 0,1,2).")]
        public string? Seeds { get; init; }

        /// <summary>Steps per run.</summary>
        [CommandOption("--steps <N>")]
        [Description("D+G steps of every target run (default 3000).")]
        public int? Steps { get; init; }

        /// <summary>Steps between scores.</summary>
        [CommandOption("--eval-every <N>")]
        [Description("Steps between two FID/KID scores (default 500); --steps must be a multiple.")]
        public int? EvalEvery { get; init; }

        /// <summary>Source epochs.</summary>
        [CommandOption("--source-epochs <N>")]
        [Description("Epochs of the source GAN over all training images of the source classes (default 5).")]
        public int? SourceEpochs { get; init; }

        /// <summary>Target images per class.</summary>
        [CommandOption("--target-per-class <N>")]
        [Description("Training images per target class (default 100).")]
        public int? TargetPerClass { get; init; }

        /// <summary>Generated images per score.</summary>
        [CommandOption("--fid-n <N>")]
        [Description("Generated images per FID/KID (default 1000).")]
        public int? FidCount { get; init; }

        /// <summary>Feature network.</summary>
        [CommandOption("--features <NAME>")]
        [Description("FID/KID feature network (default resnet18-imagenet).")]
        public string? Features { get; init; }

        /// <summary>Output folder.</summary>
        [CommandOption("--out <DIR>")]
        [DefaultValue("bench/gan-transfer")]
        [Description("Folder for results.json, results.md, fid.png, METHOD-final.png, the source run and the target runs: a new or empty one.")]
        public string Out { get; init; } = "bench/gan-transfer";

        /// <summary>Continue an interrupted benchmark.</summary>
        [CommandOption("--resume")]
        [Description("Continue the benchmark in --out with the same budget: finished scores are kept, an unfinished run resumes from its checkpoint, and --methods/--seeds may add methods and seeds.")]
        public bool Resume { get; init; }

        /// <summary>Smoke run.</summary>
        [CommandOption("--quick")]
        [Description("Smoke run (256 source images, 1 source epoch, 8 images per target class, 20 steps, pixel features, one seed): its figures mean nothing.")]
        public bool Quick { get; init; }

        /// <summary>The benchmark options these settings describe.</summary>
        public GanTransferBenchOptions ToOptions()
        {
            var d = new GanTransferBenchOptions();
            static List<string> List(string value) => [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            List<int> seeds;
            try
            {
                seeds = Seeds is null ? (Quick ? [0] : [.. d.Seeds]) : [.. List(Seeds).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
            }
            catch (FormatException)
            {
                throw new InputException($"--seeds must be comma-separated whole numbers, got '{Seeds}'.");
            }
            return d with
            {
                Data = Data ?? d.Data,
                SourceClasses = SourceClasses is null ? d.SourceClasses : DataSettings.ClassList(SourceClasses, "GanTransferBenchOptions.SourceClasses")!,
                TargetClasses = TargetClasses is null ? d.TargetClasses : DataSettings.ClassList(TargetClasses, "GanTransferBenchOptions.TargetClasses")!,
                Methods = Methods is null ? d.Methods : List(Methods),
                Seeds = seeds,
                Steps = Steps ?? (Quick ? 20 : d.Steps),
                EvalEvery = EvalEvery ?? (Quick ? 10 : d.EvalEvery),
                SourceEpochs = SourceEpochs ?? (Quick ? 1 : d.SourceEpochs),
                SourceMaxImages = Quick ? 256 : null,
                TargetPerClass = TargetPerClass ?? (Quick ? 8 : d.TargetPerClass),
                GeneratedCount = FidCount ?? (Quick ? 32 : d.GeneratedCount),
                RealCount = Quick ? 64 : d.RealCount,
                Features = Features ?? (Quick ? Scoring.FeatureExtractors.Pixels : d.Features),
                KidSubsets = Quick ? 5 : d.KidSubsets,
            };
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(settings.Out);
        var options = settings.ToOptions();
        GanTransferBenchFiles.Check(folder, settings.Resume, options);
        var log = CliConsole.Error;
        using var progress = RunProgress.ForStderr(json: false);
        var report = GanTransferBenchmark.Run(options, folder, "transfergen " + string.Join(' ', context.Arguments), settings.Resume,
            progress: line => log.WriteLine(line),
            saved: r => GanTransferBenchFiles.Save(folder, r),
            trainingCallbacks: [new ProgressCallback(progress, ProgressFormat.Gan)], cancellationToken: cancellationToken);
        AnsiConsole.WriteLine(GanTransferBenchFiles.Markdown(report));
        AnsiConsole.WriteLine($"Results in {folder} (results.md, fid.png, METHOD-final.png).");
        return 0;
    }
}
