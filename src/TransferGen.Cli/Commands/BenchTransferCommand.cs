using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Benchmarks;
using TransferGen.Benchmarks.Transfer;
using TransferGen.Cli.Progress;
using TransferGen.Data;

namespace TransferGen.Cli.Commands;

/// <summary>
/// `transfergen bench transfer`: test accuracy and time of from-scratch vs linear probe vs fine-tune at several
/// label budgets, with the same training budget for all.
/// </summary>
public sealed class BenchTransferCommand : Command<BenchTransferCommand.Settings>
{
    /// <summary>Options of `bench transfer`.</summary>
    public sealed class Settings : DataSettings
    {
        /// <summary>The dataset.</summary>
        [CommandOption("--data <D>")]
        [Description("The dataset (a builtin name or a folder); it needs a test split, all of which is scored.")]
        [DefaultValue("fashion-mnist")]
        public string Data { get; init; } = "fashion-mnist";

        /// <summary>The backbone.</summary>
        [CommandOption("--backbone <B>")]
        [Description("Backbone name (see `transfergen backbones`); it needs built-in weights for probe and finetune.")]
        [DefaultValue("resnet18-imagenet")]
        public string Backbone { get; init; } = "resnet18-imagenet";

        /// <summary>Label budgets.</summary>
        [CommandOption("--labels-per-class <LIST>")]
        [Description("Comma-separated labelled images per class; \"full\" is the whole training set. Default 10,100,1000,full (5 with --quick).")]
        public string? LabelsPerClass { get; init; }

        /// <summary>Methods.</summary>
        [CommandOption("--methods <LIST>")]
        [Description("Comma-separated: scratch (--from-scratch --freeze none), probe (--freeze all), finetune (--freeze auto).")]
        [DefaultValue("scratch,probe,finetune")]
        public string Methods { get; init; } = "scratch,probe,finetune";

        /// <summary>Epochs.</summary>
        [CommandOption("--epochs <E>")]
        [Description("Epochs of every run's main phase. Default: finetune's default (1 with --quick).")]
        public int? Epochs { get; init; }

        /// <summary>Probe epochs before finetune's unfreezing.</summary>
        [CommandOption("--probe-epochs <E>")]
        [Description("Head-only epochs on cached features before finetune unfreezes. Default: finetune's default (1 with --quick).")]
        public int? ProbeEpochs { get; init; }

        /// <summary>Batch size.</summary>
        [CommandOption("--batch-size <N>")]
        [Description("Images per batch. Default: finetune's default (16 with --quick).")]
        public int? BatchSize { get; init; }

        /// <summary>Image size.</summary>
        [CommandOption("--image-size <N>")]
        [Description("Images are resized to N×N (resnet18-imagenet: a multiple of 32). Default: finetune's default (32 with --quick).")]
        public int? ImageSize { get; init; }

        /// <summary>Benchmark folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Write DIR/results.json (after every run), DIR/results.md and each run's folder DIR/runs/K-method.")]
        public string? Out { get; init; }

        /// <summary>Keep finished runs.</summary>
        [CommandOption("--resume")]
        [Description("Keep the runs already in DIR/results.json (same settings), continue an unfinished run from its last checkpoint, and run only the missing ones.")]
        public bool Resume { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout instead of tables.")]
        public bool Json { get; init; }

        /// <summary>Smoke run.</summary>
        [CommandOption("--quick")]
        [Description("Smoke run in seconds: K=5, 1 epoch, 32×32, the embedded Fashion-MNIST sample. The figures mean nothing.")]
        public bool Quick { get; init; }

        /// <summary>The benchmark options these settings describe.</summary>
        public TransferBenchOptions ToBenchOptions()
        {
            var defaults = new TransferBenchOptions();
            return new TransferBenchOptions
            {
                LabelsPerClass = LabelsPerClass is { } list ? LabelBudget.ParseList(list) : Quick ? [new LabelBudget(5)] : defaults.LabelsPerClass,
                Methods = TransferMethods.ParseList(Methods),
                Backbone = Backbone,
                Epochs = Epochs ?? (Quick ? 1 : defaults.Epochs),
                ProbeEpochs = ProbeEpochs ?? (Quick ? 1 : defaults.ProbeEpochs),
                BatchSize = BatchSize ?? (Quick ? 16 : defaults.BatchSize),
                ImageSize = ImageSize ?? (Quick ? 32 : defaults.ImageSize),
                MinSteps = Quick ? 0 : defaults.MinSteps,
                Seed = Seed,
                Quick = Quick,
            };
        }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Resume && Out is null ? ValidationResult.Error("--resume needs --out DIR: the folder whose results.json to continue.")
            : base.Validate();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = settings.ToBenchOptions();
        options.Validate();
        var dataset = LoadDataset(settings);
        TransferBenchmark.RequireTestSplit(dataset);
        var environment = BenchmarkEnvironment.Current();
        var report = new TransferBenchReport
        {
            Machine = BenchMachine.From(environment),
            Date = environment.Date.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            Dataset = settings.Data,
            DatasetName = dataset.Format,
            DatasetClasses = ClassSelection.Recorded(dataset),
            TestCount = dataset["test"].Count,
            Backbone = options.Backbone,
            Options = options,
            CommandLine = "transfergen " + string.Join(' ', context.Arguments.Select(Quote)),
        };
        var folder = settings.Out is null ? null : Path.GetFullPath(settings.Out);
        if (folder is not null) report = TransferBenchFiles.Start(folder, report, settings.Resume);

        var log = CliConsole.Error;
        using var progress = RunProgress.ForStderr(settings.Json);
        var benchmark = new TransferBenchmark(options)
        {
            BeforeRun = (i, n, k, m) => log.WriteLine($"[{i}/{n}] K={k} {m.Name()}: {m.Describe()}"),
            Skipped = (i, n, run) => log.WriteLine($"[{i}/{n}] K={run.LabelsPerClass} {run.Method}: kept from results.json"),
            AfterRun = run => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  test accuracy {run.TestAccuracy:P2}, best val {run.BestValAccuracy:P2}, {run.Seconds:F0} s, {run.TrainCount} train images{(run.Failed ? ", DIVERGED" : "")}")),
            Callbacks = () => [new ProgressCallback(progress, ProgressFormat.Classifier)],
            ContinueUnfinished = settings.Resume,
        };
        report = benchmark.Run(dataset, report, folder, settings.Data, cancellationToken);

        if (settings.Json) Console.Out.WriteLine(TransferBenchFiles.Serialize(report));
        else TransferBenchTable.Print(report, folder);
        return 0;
    }

    /// <summary>--quick swaps the builtin Fashion-MNIST for its embedded sample, so the smoke run is fast everywhere.</summary>
    static ImageDataset LoadDataset(Settings settings) =>
        settings.Quick && string.Equals(settings.Data, FashionMnist.Name, StringComparison.OrdinalIgnoreCase)
            ? ClassSelection.Apply(FashionMnist.LoadEmbeddedSample(), settings.ToOptions().Classes)
            : CliDatasets.Load(settings.Data, settings.ToOptions());

    static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./,:=+".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";
}
