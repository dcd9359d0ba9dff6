using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Benchmarks.Gan;
using TransferGen.Cli.Progress;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen bench gan`: FID/KID vs epoch of GAN architectures trained on the same budget.</summary>
public sealed class BenchGanCommand : Command<BenchGanCommand.Settings>
{
    /// <summary>Options of `bench gan`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>Dataset.</summary>
        [CommandOption("--data <D>")]
        [DefaultValue("fashion-mnist")]
        [Description("The dataset (needs train and test splits).")]
        public string Data { get; init; } = "fashion-mnist";

        /// <summary>Architectures.</summary>
        [CommandOption("--archs <LIST>")]
        [DefaultValue("dcgan,cdcgan")]
        [Description("Comma-separated architectures: mlp, dcgan, cdcgan.")]
        public string Archs { get; init; } = "dcgan,cdcgan";

        /// <summary>Classes to keep.</summary>
        [CommandOption("--classes <LIST>")]
        [Description("Train and score on these classes only: a comma list of indices or names (5,6,7 or Sandal,Shirt).")]
        public string? Classes { get; init; }

        /// <summary>Training images.</summary>
        [CommandOption("--max-images <N>")]
        [Description("Training images, a seeded subset of the train split (default 6000).")]
        public int? MaxImages { get; init; }

        /// <summary>Epochs.</summary>
        [CommandOption("--epochs <E>")]
        [Description("Epochs per architecture (default 5).")]
        public int? Epochs { get; init; }

        /// <summary>Batch size.</summary>
        [CommandOption("--batch-size <B>")]
        [Description("Images per step (default 64, the batch of the README's figures; `gan train` defaults to 32).")]
        public int? BatchSize { get; init; }

        /// <summary>FID sample count.</summary>
        [CommandOption("--fid-n <N>")]
        [Description("Generated and real images per FID/KID (default 1000).")]
        public int? FidCount { get; init; }

        /// <summary>Feature network.</summary>
        [CommandOption("--features <NAME>")]
        [Description("Feature network: resnet18-imagenet (default), resnet18-imagenet-224, pixels, or a finetune run folder.")]
        public string? Features { get; init; }

        /// <summary>Seed.</summary>
        [CommandOption("--seed <S>")]
        [DefaultValue(0)]
        [Description("Seed of training, latents and subsets.")]
        public int Seed { get; init; }

        /// <summary>Output folder.</summary>
        [CommandOption("--out <DIR>")]
        [DefaultValue("bench/gan")]
        [Description("Folder for results.json, results.md, fid.png, ARCH-final.png and the run folders: a new or empty one (or an earlier benchmark's, with --overwrite).")]
        public string Out { get; init; } = "bench/gan";

        /// <summary>Replace an earlier benchmark in --out.</summary>
        [CommandOption("--overwrite")]
        [Description("Let --out hold an earlier GAN benchmark, whose files are replaced; without it --out must be new or empty.")]
        public bool Overwrite { get; init; }

        /// <summary>Continue the benchmark in --out.</summary>
        [CommandOption("--resume")]
        [Description("Continue the benchmark in --out with the same options: finished scores are kept, an unfinished run resumes from its checkpoint, and --epochs may grow.")]
        public bool Resume { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout.")]
        public bool Json { get; init; }

        /// <summary>Smoke run.</summary>
        [CommandOption("--quick")]
        [Description("Smoke run in seconds (64 images, 1 epoch, 32 images per FID, pixel features): its figures mean nothing.")]
        public bool Quick { get; init; }

        /// <summary>The benchmark options these settings describe.</summary>
        public GanBenchOptions ToOptions()
        {
            var defaults = new GanBenchOptions();
            return new GanBenchOptions
            {
                Data = Data,
                Classes = DataSettings.ClassList(Classes, "GanBenchOptions.Classes"),
                Archs = Archs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                MaxImages = MaxImages ?? (Quick ? 64 : defaults.MaxImages),
                Epochs = Epochs ?? (Quick ? 1 : defaults.Epochs),
                BatchSize = BatchSize ?? (Quick ? 16 : defaults.BatchSize),
                FidCount = FidCount ?? (Quick ? 32 : defaults.FidCount),
                Features = Features ?? (Quick ? Scoring.FeatureExtractors.Pixels : defaults.Features),
                KidSubsets = Quick ? 5 : defaults.KidSubsets,
                Seed = Seed,
            };
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Resume && settings.Overwrite) throw new InputException("--resume continues the benchmark in --out and --overwrite replaces it; give one of them.");
        if (settings.BatchSize is < 1) throw new InputException($"--batch-size must be at least 1 (got {settings.BatchSize}).");
        var folder = Path.GetFullPath(settings.Out);
        var options = settings.ToOptions();
        GanBenchFiles.Check(folder, settings.Overwrite, settings.Resume, options);
        var log = CliConsole.Error;
        using var progress = RunProgress.ForStderr(settings.Json);
        var report = GanBenchmark.Run(options, folder, "transfergen " + string.Join(' ', context.Arguments),
            progress: line => log.WriteLine(line),
            saved: r => GanBenchFiles.Save(folder, r),
            trainingCallbacks: [new ProgressCallback(progress, ProgressFormat.Gan)], overwrite: settings.Overwrite,
            resume: settings.Resume, cancellationToken: cancellationToken);

        if (settings.Json)
        {
            Console.Out.WriteLine(GanBenchFiles.Serialize(report));
            return 0;
        }
        var c = CultureInfo.InvariantCulture;
        var table = new Table().AddColumn("epoch");
        foreach (var run in report.Runs) table.AddColumn(new TableColumn($"{run.Arch} FID").RightAligned()).AddColumn(new TableColumn("s/epoch").RightAligned());
        for (var e = 0; e <= report.Options.Epochs; e++)
            table.AddRow([e.ToString(c), .. report.Runs.SelectMany(r => r.Epochs.FirstOrDefault(x => x.Epoch == e) is { } x
                ? new[] { x.Fid.ToString("F2", c), e == 0 ? "–" : x.TrainSeconds.ToString("F1", c) } : ["", ""])]);
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine(string.Create(c, $"Floor (real train vs test): FID {report.Floor.Fid:F2}. Mode: {report.Features}; {report.Resize}; {report.Reference}."));
        AnsiConsole.WriteLine($"Results in {folder} (results.md, fid.png, *-final.png). {Scoring.ImageSetScores.Caveat}");
        return 0;
    }
}
