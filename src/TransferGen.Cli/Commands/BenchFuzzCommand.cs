using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Benchmarks;
using TransferGen.Benchmarks.Fuzzing;

namespace TransferGen.Cli.Commands;

/// <summary>
/// `transfergen bench fuzz`: seeded mutation fuzzing of every file format TransferGen reads; exit 0 when every case
/// was read or refused with an input error, 1 when a case crashed, hung or allocated beyond the cap.
/// </summary>
public sealed class BenchFuzzCommand : Command<BenchFuzzCommand.Settings>
{
    /// <summary>Options of `bench fuzz`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>The mutation seed.</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed of the mutations: the same seed and case number give the same damaged file.")]
        [DefaultValue(0)]
        public int Seed { get; init; }

        /// <summary>Most cases.</summary>
        [CommandOption("--cases <N>")]
        [Description("Stop after this many cases, dealt round-robin over the formats.")]
        [DefaultValue(1000L)]
        public long Cases { get; init; } = 1000;

        /// <summary>Longest run.</summary>
        [CommandOption("--seconds <S>")]
        [Description("Stop starting cases after this many seconds.")]
        [DefaultValue(60.0)]
        public double Seconds { get; init; } = 60;

        /// <summary>Formats to fuzz.</summary>
        [CommandOption("--formats <LIST>")]
        [Description("Comma-separated formats (default all): idx, idx-labels, idx-gz, cifar, png, jpeg, bmp, webp, onnx, pt, safetensors, run-config, run-model, run-checkpoint, gan-config, gan-model, gan-checkpoint.")]
        public string? Formats { get; init; }

        /// <summary>Per-case time limit.</summary>
        [CommandOption("--case-timeout <S>")]
        [Description("A case running longer than this many seconds counts as hung and ends the run.")]
        [DefaultValue(30.0)]
        public double CaseTimeout { get; init; } = 30;

        /// <summary>Per-case memory cap.</summary>
        [CommandOption("--memory-cap <MIB>")]
        [Description("Largest growth of resident memory of one case, in MiB. Managed allocations are capped at 4 GiB: .NET leaves a large array untouched, so one of a damaged length costs no memory until it is filled.")]
        [DefaultValue(512)]
        public int MemoryCapMiB { get; init; } = 512;

        /// <summary>Where failing cases go.</summary>
        [CommandOption("--failures <DIR>")]
        [Description("Save each failing case's damaged file and a log of it into DIR.")]
        public string? Failures { get; init; }

        /// <summary>Print each case.</summary>
        [CommandOption("--trace")]
        [Description("Print every case on stderr before it runs (the last line then names a case that killed the process).")]
        public bool Trace { get; init; }

        /// <summary>Print one JSON object.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout instead of a table.")]
        public bool Json { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Cases < 1 ? ValidationResult.Error("--cases must be at least 1.")
            : !(Seconds > 0) ? ValidationResult.Error("--seconds must be more than 0.")
            : !(CaseTimeout > 0) ? ValidationResult.Error("--case-timeout must be more than 0.")
            : MemoryCapMiB < 1 ? ValidationResult.Error("--memory-cap must be at least 1 MiB.")
            : base.Validate();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var formats = settings.Formats?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        var unknown = formats.FirstOrDefault(f => !FuzzCorpus.Names.Contains(f));
        if (unknown is not null) throw new InputException($"--formats: unknown format '{unknown}' (known: {string.Join(", ", FuzzCorpus.Names)}).");
        var options = new FuzzOptions
        {
            Seed = settings.Seed,
            MaxCases = settings.Cases,
            Duration = TimeSpan.FromSeconds(settings.Seconds),
            Formats = formats,
            CaseTimeout = TimeSpan.FromSeconds(settings.CaseTimeout),
            MemoryCapBytes = (long)settings.MemoryCapMiB << 20,
            FailuresFolder = settings.Failures,
        };
        var lastReport = DateTime.UtcNow;
        var done = 0L;
        void Progress(string line)
        {
            if (settings.Trace || line.StartsWith("FAILED", StringComparison.Ordinal)) Console.Error.WriteLine(line);
            else if (line.StartsWith("case ", StringComparison.Ordinal) && ++done > 0 && DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = DateTime.UtcNow;
                Console.Error.WriteLine($"bench fuzz: {done} cases so far...");
            }
        }
        Console.Error.WriteLine($"bench fuzz: writing the seed files and checking each is accepted...");
        var report = FuzzHarness.Run(options, Progress, cancellationToken);
        var environment = BenchmarkEnvironment.Current();

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                report.Seed,
                report.Tried,
                report.Failed,
                Seconds = Math.Round(report.Seconds, 1),
                report.StoppedByHang,
                PeakMemoryGrowthMib = Math.Round(report.PeakMemoryGrowthBytes / 1048576.0, 1),
                PeakManagedMib = Math.Round(report.PeakManagedBytes / 1048576.0, 1),
                MemoryCapMib = settings.MemoryCapMiB,
                ManagedCapMib = options.ManagedCapBytes >> 20,
                Machine = new { environment.Cores, environment.Cpu, environment.Os },
                Date = environment.Date.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                report.Formats,
                report.Failures,
            }, CliJson.Options));
        }
        else
        {
            var table = new Table().AddColumns("format", "tried", "read", "refused (exit 2)", "failed");
            foreach (var f in report.Formats)
                table.AddRow(f.Format, N(f.Tried), N(f.Accepted), N(f.Rejected), f.Failed == 0 ? "0" : $"[red]{f.Failed}[/]");
            table.AddRow("[bold]all[/]", N(report.Tried), N(report.Formats.Sum(f => f.Accepted)), N(report.Formats.Sum(f => f.Rejected)), N(report.Failed));
            AnsiConsole.Write(table);
            foreach (var failure in report.Failures)
                AnsiConsole.MarkupLineInterpolated($"[red]case {failure.Case} {failure.Format} ({failure.Outcome})[/]: {failure.Mutation}: {failure.Message}");
            AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Seed {report.Seed}: {report.Tried} cases in {report.Seconds:0} s, {report.Failed} failed; largest growth of resident memory in one case {report.PeakMemoryGrowthBytes / 1048576.0:0} MiB, of managed allocation {report.PeakManagedBytes / 1048576.0:0} MiB (caps {settings.MemoryCapMiB} MiB and {options.ManagedCapBytes >> 20} MiB)."));
            AnsiConsole.WriteLine($"{environment.Cpu}, {environment.Cores} cores, {environment.Date:yyyy-MM-dd}.");
        }
        if (report.StoppedByHang) Console.Error.WriteLine("error: a case hung, so the run stopped there (see above).");
        return report.Failed == 0 ? 0 : 1;
    }

    static string N(long n) => n.ToString(CultureInfo.InvariantCulture);
}
