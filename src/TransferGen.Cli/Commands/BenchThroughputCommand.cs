using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Benchmarks;
using TransferGen.Cli.Progress;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen bench throughput`: images per second of ResNet18 training (W1), inference (W2) and a DCGAN step (W3).</summary>
public sealed class BenchThroughputCommand : Command<BenchThroughputCommand.Settings>
{
    /// <summary>Options of `bench throughput`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>Print one JSON object instead of tables.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout instead of tables.")]
        public bool Json { get; init; }

        /// <summary>Timed repetitions per workload.</summary>
        [CommandOption("--repeats <N>")]
        [Description("Timed repetitions per workload; the median is reported. Default 10 (1 with --quick).")]
        public int? Repeats { get; init; }

        /// <summary>Untimed repetitions before timing.</summary>
        [CommandOption("--warmup <N>")]
        [Description("Untimed warm-up repetitions per workload. Default 2 (1 with --quick).")]
        public int? Warmup { get; init; }

        /// <summary>LibTorch intra-op threads.</summary>
        [CommandOption("--threads <T>")]
        [Description("LibTorch intra-op threads. Default: one per core (or OMP_NUM_THREADS when set).")]
        public int? Threads { get; init; }

        /// <summary>Tiny batches and one repetition: checks the code paths in seconds, measures nothing useful.</summary>
        [CommandOption("--quick")]
        [Description("Smoke run: small batches, 1 warm-up and 1 timed repetition. The numbers are not comparable.")]
        public bool Quick { get; init; }

        /// <summary>Measure the defaults against single changes of them.</summary>
        [CommandOption("--variants")]
        [Description("Measure each workload's defaults against one-change variants (threads, channels-last, gradients, inference mode, input reuse), interleaved in the same run.")]
        public bool Variants { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Repeats is < 1 or > 1000 ? ValidationResult.Error("--repeats must be between 1 and 1000.")
            : Warmup is < 0 or > 100 ? ValidationResult.Error("--warmup must be between 0 and 100.")
            : Threads is < 1 or > 256 ? ValidationResult.Error("--threads must be between 1 and 256.")
            : base.Validate();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var repeats = settings.Repeats ?? (settings.Quick ? 1 : 10);
        var warmup = settings.Warmup ?? (settings.Quick ? 1 : 2);
        TorchSetup.ConfigureThreads(settings.Threads);
        var environment = BenchmarkEnvironment.Current();
        var progress = ActivityProgress.ForStderr(settings.Json);
        var harness = new ThroughputHarness
        {
            // Progress always goes to stderr, so stdout holds only the result.
            Progress = (label, done, total) =>
            {
                if (done == total) CliConsole.Error.WriteLine($"measured {label} ({total} repetitions)");
                else progress.Report($"measuring {label}: {done}/{total} repetitions");
            },
        };
        var results = progress.Run($"bench throughput: {warmup} warm-up and {repeats} timed repetitions per workload",
            () => settings.Variants
                ? ThroughputSuite.RunVariants(harness, warmup, repeats, settings.Quick)
                : ThroughputSuite.RunDefaults(harness, warmup, repeats, settings.Quick));

        if (settings.Json)
            Console.Out.WriteLine(JsonSerializer.Serialize(ToJson(results, environment, repeats, warmup, settings), CliJson.Options));
        else
            ThroughputTables.Print(results, environment, repeats, warmup, settings.Quick, settings.Variants);
        return 0;
    }

    /// <summary>The one JSON object: headline img/s keys, medians, run settings, machine, and every row.</summary>
    internal static Dictionary<string, object> ToJson(IReadOnlyList<TimingSummary> results, BenchmarkEnvironment env,
        int repeats, int warmup, Settings settings)
    {
        var json = new Dictionary<string, object>();
        var defaults = results.Where(r => r.Variant == "default").ToList();
        foreach (var r in defaults) json[$"{r.Name}_img_s"] = Round(r.ImagesPerSecond);
        foreach (var r in defaults) json[$"{r.Name}_median_s"] = Round(r.MedianSeconds);
        json["threads"] = env.Threads;
        json["interop_threads"] = env.InteropThreads;
        json["torch_version"] = env.TorchVersion;
        json["torchsharp_version"] = env.TorchSharpVersion;
        json["machine"] = new Dictionary<string, object> { ["cores"] = env.Cores, ["cpu"] = env.Cpu, ["os"] = env.Os };
        json["date"] = env.Date.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        json["repeats"] = repeats;
        json["warmup"] = warmup;
        json["quick"] = settings.Quick;
        json["workloads"] = results.Select(r => new Dictionary<string, object>
        {
            ["workload"] = r.Name,
            ["variant"] = r.Variant,
            ["batch"] = r.BatchSize,
            ["img_s"] = Round(r.ImagesPerSecond),
            ["median_s"] = Round(r.MedianSeconds),
            ["min_s"] = Round(r.MinSeconds),
            ["max_s"] = Round(r.MaxSeconds),
        }).ToList();
        return json;
    }

    static double Round(double x) => Math.Round(x, 4);
}
