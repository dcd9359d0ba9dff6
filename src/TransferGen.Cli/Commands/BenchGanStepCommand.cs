using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Benchmarks;
using TransferGen.Benchmarks.Gan;
using TransferGen.Cli.Progress;
using TransferGen.Models.Gan;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen bench gan-step`: seconds per `gan train` step with plain DCGAN's discriminator and with pretrained-feature ones.</summary>
public sealed class BenchGanStepCommand : Command<BenchGanStepCommand.Settings>
{
    /// <summary>The candidates measured when none are given: the resolutions and stage sets the default was chosen from.</summary>
    public const string DefaultCandidates = "32:layer1,layer2,layer3;64:layer1,layer2,layer3;64:layer2,layer3;64:layer1,layer2,layer3,layer4;96:layer1,layer2,layer3;128:layer1,layer2,layer3";

    /// <summary>Options of `bench gan-step`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>The backbone of the pretrained-feature candidates.</summary>
        [CommandOption("--d-backbone <NAME>")]
        [Description("Registered backbone of the pretrained-feature candidates. Default resnet18-imagenet.")]
        public string? DBackbone { get; init; }

        /// <summary>The candidates.</summary>
        [CommandOption("--candidates <LIST>")]
        [Description("Pretrained-feature discriminators to time beside plain DCGAN, as RESOLUTION:STAGE,STAGE;... Default " + DefaultCandidates + ".")]
        public string? Candidates { get; init; }

        /// <summary>Images per step.</summary>
        [CommandOption("--batch-size <B>")]
        [Description("Images per step. Default 64 (gan train's).")]
        public int? BatchSize { get; init; }

        /// <summary>Timed rounds.</summary>
        [CommandOption("--repeats <N>")]
        [Description("Timed steps per candidate (interleaved: one step of each in turn); the median is reported. Default 10 (1 with --quick).")]
        public int? Repeats { get; init; }

        /// <summary>Untimed rounds.</summary>
        [CommandOption("--warmup <N>")]
        [Description("Untimed steps per candidate first. Default 2 (1 with --quick).")]
        public int? Warmup { get; init; }

        /// <summary>Smoke run.</summary>
        [CommandOption("--quick")]
        [Description("Smoke run: batch 4, 1 warm-up and 1 timed step. The numbers are not comparable.")]
        public bool Quick { get; init; }

        /// <summary>One JSON object.</summary>
        [CommandOption("--json")]
        [Description("Print exactly one JSON object on stdout instead of a table.")]
        public bool Json { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Repeats is < 1 or > 1000 ? ValidationResult.Error("--repeats must be between 1 and 1000.")
            : Warmup is < 0 or > 100 ? ValidationResult.Error("--warmup must be between 0 and 100.")
            : BatchSize is < 2 or > 4096 ? ValidationResult.Error("--batch-size must be between 2 and 4096.")
            : base.Validate();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var candidates = Parse(settings.Candidates ?? DefaultCandidates, settings.DBackbone ?? ProjectedDiscriminatorOptions.DefaultBackbone);
        var repeats = settings.Repeats ?? (settings.Quick ? 1 : 10);
        var warmup = settings.Warmup ?? (settings.Quick ? 1 : 2);
        var batch = settings.BatchSize ?? (settings.Quick ? 4 : GanStepWorkload.StandardBatch);
        var environment = BenchmarkEnvironment.Current();
        var progress = ActivityProgress.ForStderr(settings.Json);
        var harness = new ThroughputHarness { Progress = (label, done, total) => progress.Report($"timing {label}: {done}/{total} steps") };
        var results = progress.Run($"bench gan-step: {candidates.Count} discriminators, {warmup} warm-up and {repeats} timed steps each",
            () => GanStepBenchmark.Run(harness, candidates, warmup, repeats, batch));
        var dcgan = results[0].MedianSeconds;

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["machine"] = new Dictionary<string, object> { ["cores"] = environment.Cores, ["cpu"] = environment.Cpu, ["os"] = environment.Os },
                ["threads"] = environment.Threads,
                ["date"] = environment.Date.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["batch"] = batch,
                ["repeats"] = repeats,
                ["warmup"] = warmup,
                ["quick"] = settings.Quick,
                ["candidates"] = results.Select(r => new Dictionary<string, object>
                {
                    ["discriminator"] = r.Variant,
                    ["median_s"] = Math.Round(r.MedianSeconds, 4),
                    ["min_s"] = Math.Round(r.MinSeconds, 4),
                    ["max_s"] = Math.Round(r.MaxSeconds, 4),
                    ["vs_dcgan"] = Math.Round(r.MedianSeconds / dcgan, 2),
                }).ToList(),
            }, CliJson.Options));
            return 0;
        }

        var console = AnsiConsole.Console;
        console.MarkupLine(Markup.Escape($"{environment.Cpu}, {environment.Cores} cores, {environment.Threads} intra-op threads; " +
                                         $"{environment.Date:yyyy-MM-dd HH:mm} UTC; batch {batch}, {warmup} warm-up + {repeats} timed steps, interleaved; median reported" +
                                         (settings.Quick ? "; QUICK smoke run, numbers not comparable" : "")));
        var table = new Table().AddColumn("discriminator");
        foreach (var h in new[] { "median s/step", "min s", "max s", "× dcgan" }) table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Variant), $"[bold]{F(r.MedianSeconds, "0.000")}[/]", F(r.MinSeconds, "0.000"), F(r.MaxSeconds, "0.000"),
                F(r.MedianSeconds / dcgan, "0.0"));
        console.Write(table);
        return 0;
    }

    /// <summary>DCGAN, then one candidate per RESOLUTION:STAGES entry of <paramref name="list"/>; an <see cref="InputException"/> for a malformed entry.</summary>
    internal static IReadOnlyList<GanStepCandidate> Parse(string list, string backbone)
    {
        var candidates = new List<GanStepCandidate> { GanStepCandidate.Dcgan };
        foreach (var entry in list.Split([';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(':', 2);
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var resolution)
                || parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Length == 0)
                throw new InputException($"--candidates: '{entry}' is not RESOLUTION:STAGE,STAGE (e.g. 64:layer1,layer2,layer3).");
            candidates.Add(GanStepCandidate.For(backbone, resolution, parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }
        if (candidates.Count == 1) throw new InputException("--candidates names no discriminator to time.");
        return candidates;
    }

    static string F(double x, string format) => x.ToString(format, CultureInfo.InvariantCulture);
}
