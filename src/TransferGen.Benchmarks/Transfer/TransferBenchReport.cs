using System.Text.Json.Serialization;

namespace TransferGen.Benchmarks.Transfer;

/// <summary>One fine-tune of the transfer benchmark and what it measured.</summary>
public sealed record TransferBenchRun
{
    /// <summary>Labels per class it trained with.</summary>
    public required LabelBudget LabelsPerClass { get; init; }

    /// <summary>The method's name (<see cref="TransferMethods.Name"/>).</summary>
    public required string Method { get; init; }

    /// <summary>Accuracy (0..1) of the selected model on every image of the test split.</summary>
    public required double TestAccuracy { get; init; }

    /// <summary>Best validation accuracy (0..1), which selected the model.</summary>
    public required double BestValAccuracy { get; init; }

    /// <summary>Wall-clock seconds of the whole fine-tune, test evaluation included.</summary>
    public required double Seconds { get; init; }

    /// <summary>Images trained on (K per class less the validation share carved from them).</summary>
    public required int TrainCount { get; init; }

    /// <summary>Images validated on.</summary>
    public int ValCount { get; init; }

    /// <summary>Epochs that ran (early stopping may end a run before its budget).</summary>
    public int EpochsRun { get; init; }

    /// <summary>True when training diverged; the accuracy is then that of the best model before it did.</summary>
    public bool Failed { get; init; }

    /// <summary>The run folder relative to the benchmark folder (null when nothing was written).</summary>
    public string? Folder { get; init; }

    /// <summary>
    /// True when the run was continued from a checkpoint of a killed benchmark; <see cref="Seconds"/> then sums the
    /// processes' times as far as the checkpoint recorded them (checkpoints before 2026-11-26 did not).
    /// </summary>
    public bool Resumed { get; init; }

    /// <summary>When the run finished (UTC, ISO 8601).</summary>
    public string? Finished { get; init; }
}

/// <summary>The machine a benchmark ran on.</summary>
/// <param name="Cores">Logical processors.</param>
/// <param name="Cpu">CPU model.</param>
/// <param name="Os">Operating system.</param>
/// <param name="Threads">LibTorch intra-op threads.</param>
/// <param name="TorchVersion">LibTorch version.</param>
/// <param name="TorchSharpVersion">TorchSharp version.</param>
public sealed record BenchMachine(int Cores, string Cpu, string Os, int Threads, string TorchVersion,
    [property: JsonPropertyName("torchsharp_version")] string TorchSharpVersion)
{
    /// <summary>The machine of <paramref name="environment"/>.</summary>
    public static BenchMachine From(BenchmarkEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new(environment.Cores, environment.Cpu, environment.Os, environment.Threads, environment.TorchVersion, environment.TorchSharpVersion);
    }
}

/// <summary>How far the pretrained fine-tune is above the same network trained from scratch, at one label budget.</summary>
/// <param name="LabelsPerClass">The label budget.</param>
/// <param name="Points">Test accuracy of finetune minus that of scratch, in percentage points.</param>
public sealed record TransferGap(LabelBudget LabelsPerClass, double Points);

/// <summary>Everything a transfer benchmark measured, with where and how: the content of results.json and of --json.</summary>
public sealed record TransferBenchReport
{
    /// <summary>Where it ran.</summary>
    public required BenchMachine Machine { get; init; }

    /// <summary>When the benchmark started (UTC, ISO 8601).</summary>
    public required string Date { get; init; }

    /// <summary>The dataset as the user named it.</summary>
    public required string Dataset { get; init; }

    /// <summary>What was actually loaded (e.g. "fashion-mnist" or "fashion-mnist (embedded sample)").</summary>
    public required string DatasetName { get; init; }

    /// <summary>The classes kept (<c>--classes</c>), by name; null for all.</summary>
    public IReadOnlyList<string>? DatasetClasses { get; init; }

    /// <summary>Images in the test split; every one is evaluated.</summary>
    public required int TestCount { get; init; }

    /// <summary>The backbone's registry name.</summary>
    public required string Backbone { get; init; }

    /// <summary>The budget and lists.</summary>
    public required TransferBenchOptions Options { get; init; }

    /// <summary>The command that made the results, for the README.</summary>
    public string? CommandLine { get; init; }

    /// <summary>The finished runs, in the order of <see cref="Options"/>' lists.</summary>
    public IReadOnlyList<TransferBenchRun> Runs { get; init; } = [];

    /// <summary>finetune − scratch per label budget where both ran.</summary>
    public IReadOnlyList<TransferGap> FinetuneMinusScratch => Options.LabelsPerClass
        .Select(k => (k, Find(k, TransferMethod.FineTune), Find(k, TransferMethod.Scratch)))
        .Where(t => t.Item2 is not null && t.Item3 is not null)
        .Select(t => new TransferGap(t.k, Math.Round(100 * (t.Item2!.TestAccuracy - t.Item3!.TestAccuracy), 2)))
        .ToList();

    /// <summary>The finished run of <paramref name="labels"/> and <paramref name="method"/>, or null.</summary>
    public TransferBenchRun? Find(LabelBudget labels, TransferMethod method) =>
        Runs.FirstOrDefault(r => r.LabelsPerClass == labels && r.Method == method.Name());

    /// <summary>This report with <paramref name="run"/> added (replacing an earlier one of the same K and method),
    /// runs kept in the order of the options' lists.</summary>
    public TransferBenchReport With(TransferBenchRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var runs = Runs.Where(r => !(r.LabelsPerClass == run.LabelsPerClass && r.Method == run.Method)).Append(run);
        return this with { Runs = runs.OrderBy(r => Rank(Options.LabelsPerClass.ToList().IndexOf(r.LabelsPerClass)))
                                      .ThenBy(r => Rank(Options.Methods.Select(m => m.Name()).ToList().IndexOf(r.Method))).ToList() };
    }

    // Runs kept from an earlier invocation with other lists go after the ones asked for now.
    static int Rank(int index) => index < 0 ? int.MaxValue : index;
}
