using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Benchmarks;
using TransferGen.Benchmarks.Memory;
using TransferGen.Cli.Progress;

namespace TransferGen.Cli.Commands;

/// <summary>
/// `transfergen bench memory`: RSS and live tensors over thousands of small training steps (fine-tune and GAN), to
/// show memory stays flat.
/// </summary>
public sealed class BenchMemoryCommand : Command<BenchMemoryCommand.Settings>
{
    /// <summary>Options of `bench memory`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>Steps of each workload.</summary>
        [CommandOption("--steps <N>")]
        [Description("Training steps of each workload after the warm-up; memory is sampled at --first, at the end, and three times between.")]
        [DefaultValue(2000)]
        public int Steps { get; init; } = 2000;

        /// <summary>Unsampled steps first.</summary>
        [CommandOption("--warmup <N>")]
        [Description("Steps run before counting starts, while the .NET GC and the C heap grow to their working size (about 2,000 small steps in a fresh process; that growth is sizing, not a leak).")]
        [DefaultValue(2000)]
        public int Warmup { get; init; } = 2000;

        /// <summary>The step of the first sample, the baseline.</summary>
        [CommandOption("--first <N>")]
        [Description("Step of the first sample, the baseline that later ones are compared with (after warm-up allocations).")]
        [DefaultValue(200)]
        public int First { get; init; } = 200;

        /// <summary>Largest RSS growth still called flat.</summary>
        [CommandOption("--tolerance <F>")]
        [Description("Largest relative RSS growth from the first to the last sample still reported as flat.")]
        [DefaultValue(0.05)]
        public double Tolerance { get; init; } = 0.05;

        /// <summary>Comma-separated workloads.</summary>
        [CommandOption("--workloads <LIST>")]
        [Description("Comma-separated: finetune (ResNet18 fine-tune steps with the batch loader), gan (DCGAN steps with EMA).")]
        [DefaultValue("finetune,gan")]
        public string Workloads { get; init; } = "finetune,gan";

        /// <summary>Print one JSON object.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout instead of a table.")]
        public bool Json { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            First < 1 ? ValidationResult.Error("--first must be at least 1.")
            : Warmup < 0 ? ValidationResult.Error("--warmup must be 0 or more.")
            : Steps <= First ? ValidationResult.Error("--steps must be larger than --first.")
            : Tolerance is < 0 or > 10 ? ValidationResult.Error("--tolerance must be between 0 and 10.")
            : base.Validate();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var names = settings.Workloads.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        var unknown = names.FirstOrDefault(n => !MemoryWorkloads.Names.Contains(n));
        if (names.Count == 0 || unknown is not null)
            throw new InputException($"--workloads: unknown workload '{unknown}' (known: {string.Join(", ", MemoryWorkloads.Names)}).");
        var sampleAt = SamplePoints(settings.First, settings.Steps);
        var environment = BenchmarkEnvironment.Current();
        var runs = new List<MemoryRun>();
        var progress = ActivityProgress.ForStderr(settings.Json);
        foreach (var name in names)
            runs.Add(progress.Run($"bench memory: {name}, {settings.Warmup} warm-up steps, then {settings.Steps} counted steps...",
                () => MemoryWorkloads.Run(name, sampleAt, settings.Warmup)));

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                Warmup = settings.Warmup,
                Steps = settings.Steps,
                First = settings.First,
                Tolerance = settings.Tolerance,
                Machine = new { environment.Cores, environment.Cpu, environment.Os, environment.Threads },
                Date = environment.Date.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                Workloads = runs.Select(r => new
                {
                    Workload = r.Name,
                    r.Description,
                    RssRatio = Math.Round(r.RssRatio, 4),
                    r.LiveTensorGrowth,
                    Flat = IsFlat(r, settings.Tolerance),
                    Samples = r.Samples.Select(s => new { s.Step, RssMib = Math.Round(s.RssMiB, 1), s.LiveTensors }),
                }),
            }, CliJson.Options));
            return 0;
        }

        var table = new Table().AddColumns("workload", "step", "RSS (MiB)", "live tensors");
        foreach (var run in runs)
            foreach (var sample in run.Samples)
                table.AddRow(run.Name, sample.Step.ToString(CultureInfo.InvariantCulture),
                    sample.RssMiB.ToString("F1", CultureInfo.InvariantCulture), sample.LiveTensors.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        foreach (var run in runs)
        {
            var verdict = IsFlat(run, settings.Tolerance) ? "flat" : "GROWS";
            AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run.Name}: RSS ×{run.RssRatio:F3} from step {settings.First} to {settings.Steps} after {settings.Warmup} warm-up steps, live tensors {run.LiveTensorGrowth:+0;-0;0}: {verdict}. ({run.Description})"));
        }
        AnsiConsole.WriteLine($"{environment.Cpu}, {environment.Cores} cores, {environment.Threads} LibTorch threads, {environment.Date:yyyy-MM-dd}.");
        return 0;
    }

    static bool IsFlat(MemoryRun run, double tolerance) => run.RssRatio <= 1 + tolerance && run.LiveTensorGrowth == 0;

    /// <summary>The first step, the last, and three evenly spaced between.</summary>
    internal static IReadOnlyCollection<long> SamplePoints(int first, int steps) =>
        Enumerable.Range(0, 5).Select(i => first + (long)Math.Round((steps - first) * i / 4.0)).Distinct().ToList();
}
