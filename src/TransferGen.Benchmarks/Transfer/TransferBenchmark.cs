using System.Globalization;
using TransferGen.Data;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Benchmarks.Transfer;

/// <summary>
/// Runs the transfer benchmark: for every label budget and method one <see cref="FineTuner"/> run with the same
/// budget, each evaluated on the whole test split. Runs already in the report are skipped, and after each run the
/// report is saved (when a folder is given), so a killed benchmark loses at most the run it was in, and with
/// <see cref="ContinueUnfinished"/> not even that: the run continues from its last checkpoint.
/// </summary>
public sealed class TransferBenchmark(TransferBenchOptions options)
{
    /// <summary>The options.</summary>
    public TransferBenchOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Called before each run that trains, with its position (from 1) among all runs.</summary>
    public Action<int, int, LabelBudget, TransferMethod>? BeforeRun { get; init; }

    /// <summary>Called for each run skipped because the report already holds it.</summary>
    public Action<int, int, TransferBenchRun>? Skipped { get; init; }

    /// <summary>Called after each run with what it measured.</summary>
    public Action<TransferBenchRun>? AfterRun { get; init; }

    /// <summary>
    /// Continue a run whose folder holds a checkpoint made with the same options (a benchmark killed mid-run) from that
    /// checkpoint instead of starting it over (<c>bench transfer --resume</c>). Its seconds then include the earlier
    /// processes' time as far as the checkpoint recorded it.
    /// </summary>
    public bool ContinueUnfinished { get; init; }

    /// <summary>Makes the extra callbacks (progress display, ...) of one run; fresh per run.</summary>
    public Func<IEnumerable<ICallback>>? Callbacks { get; init; }

    /// <summary>Every run of the benchmark in report order.</summary>
    public IReadOnlyList<(LabelBudget Labels, TransferMethod Method)> Plan =>
        Options.LabelsPerClass.SelectMany(k => Options.Methods.Select(m => (k, m))).ToList();

    /// <summary>
    /// Runs what <paramref name="report"/> lacks on <paramref name="dataset"/> and returns the completed report.
    /// </summary>
    /// <param name="dataset">The data; it must have a "test" split.</param>
    /// <param name="report">Where to start from (its runs are kept and not repeated).</param>
    /// <param name="folder">The benchmark folder (results.json, results.md, runs/); null keeps everything in memory.</param>
    /// <param name="datasetSpec">How the user named the dataset, recorded in each run's config.json.</param>
    /// <param name="cancellationToken">Stops the current run after its current batch (its checkpoint lets
    /// <see cref="ContinueUnfinished"/> continue it) with a <see cref="TrainingCancelledException"/>.</param>
    public TransferBenchReport Run(ImageDataset dataset, TransferBenchReport report, string? folder, string? datasetSpec = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(report);
        Options.Validate();
        RequireTestSplit(dataset);
        var plan = Plan;
        // Locked for the whole benchmark: a second one into the same folder would mix its results with these.
        if (folder is not null) IO.AtomicFile.CreateFolder(folder);
        using var held = folder is null ? null : IO.FolderLock.Acquire(folder);
        if (folder is not null) TransferBenchFiles.Save(folder, report);
        for (var i = 0; i < plan.Count; i++)
        {
            var (labels, method) = plan[i];
            if (report.Find(labels, method) is { } done)
            {
                Skipped?.Invoke(i + 1, plan.Count, done);
                continue;
            }
            BeforeRun?.Invoke(i + 1, plan.Count, labels, method);
            var run = RunOne(dataset, labels, method, folder, datasetSpec, cancellationToken);
            report = report.With(run);
            if (folder is not null) TransferBenchFiles.Save(folder, report);
            AfterRun?.Invoke(run);
        }
        return report;
    }

    /// <summary>Throws <see cref="InputException"/> unless <paramref name="dataset"/> has a test split to score on.</summary>
    public static void RequireTestSplit(ImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.HasSplit("test"))
            throw new InputException($"{dataset.Source} ({dataset.Format}) has no test split; bench transfer scores every run on the test images.");
    }

    TransferBenchRun RunOne(ImageDataset dataset, LabelBudget labels, TransferMethod method, string? folder, string? datasetSpec,
        CancellationToken cancellationToken)
    {
        var options = Options.For(labels, method);
        var relative = folder is null ? null : TransferBenchFiles.RunFolder(labels, method);
        var runFolder = relative is null ? null : new RunFolder(Path.Combine(folder!, relative));
        bool resumed = ContinueUnfinished && runFolder is not null && HasCheckpointOf(runFolder, options);
        FineTuneResult result;
        if (resumed)
        {
            result = FineTuner.Resume(runFolder!, Callbacks?.Invoke(), dataset, cancellationToken: cancellationToken);
        }
        else
        {
            var tuner = new FineTuner(options);
            if (Callbacks is not null) tuner.Callbacks.AddRange(Callbacks());
            // The run folder is the benchmark's own: a run left unfinished there is replaced (only TransferGen's files are removed).
            result = tuner.Run(dataset, runFolder, datasetSpec, overwrite: true, cancellationToken: cancellationToken);
        }
        using (result.Model)
        {
            return new TransferBenchRun
            {
                LabelsPerClass = labels,
                Method = method.Name(),
                // RequireTestSplit guarantees the fine-tuner evaluated the test split.
                TestAccuracy = result.TestAccuracy ?? throw new InvalidOperationException("the fine-tuner reported no test accuracy"),
                BestValAccuracy = result.BestValidationAccuracy,
                Seconds = Math.Round(result.TotalSeconds, 2),
                Resumed = resumed,
                TrainCount = result.TrainCount,
                ValCount = result.ValidationCount,
                EpochsRun = result.History.Count,
                Failed = result.Failed,
                Folder = relative?.Replace(Path.DirectorySeparatorChar, '/'),
                Finished = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            };
        }
    }

    /// <summary>True when <paramref name="run"/> holds a checkpoint of a run with exactly <paramref name="options"/>.</summary>
    static bool HasCheckpointOf(RunFolder run, FineTuneOptions options)
    {
        if (!File.Exists(run.CheckpointPath) || !File.Exists(run.ConfigPath)) return false;
        var recorded = RunFolder.ReadJson<RunConfig>(run.ConfigPath).Options;
        return System.Text.Json.JsonSerializer.Serialize(recorded, RunFolder.Json) == System.Text.Json.JsonSerializer.Serialize(options, RunFolder.Json);
    }
}
