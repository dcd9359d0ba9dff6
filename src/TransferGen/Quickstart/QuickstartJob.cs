using System.Diagnostics;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.IO;
using TransferGen.Reports;
using TransferGen.Scoring;
using TransferGen.SyntheticData;
using TransferGen.Training;
using TransferGen.Training.Callbacks;
using TransferGen.Transfer;

namespace TransferGen.Quickstart;

/// <summary>
/// The whole product in one run, on few labels: the ImageNet ResNet18 fine-tuned against the same network from scratch,
/// a small conditional GAN trained on the same images, its scores (FID against the real floor, precision and recall,
/// agreement of the pretrained classifier), and a fine-tune on real + generated images against real only. Writes every
/// run folder, quickstart.json and a self-contained report.html into one folder.
/// </summary>
public static class QuickstartJob
{
    /// <summary>Names inside the quickstart's folder.</summary>
    public const string ScratchFolder = "scratch", PretrainedFolder = GanAugmentedFineTune.RealOnlyFolder, GanFolder = GanAugmentedFineTune.GanFolder,
        AugmentedFolder = GanAugmentedFineTune.AugmentedFolder, ResultFile = "quickstart.json", ReportFile = "report.html";

    // Everything the quickstart writes at the top of its folder: nothing else may be there for it to start.
    static readonly string[] Entries = [ScratchFolder, PretrainedFolder, GanFolder, AugmentedFolder, GanAugmentedFineTune.SamplesFile, ResultFile, ReportFile, FolderLock.FileName];

    /// <summary>Runs the quickstart into <paramref name="folder"/>.</summary>
    /// <param name="folder">A new or empty folder, or (with <paramref name="overwrite"/>) one an earlier quickstart wrote.</param>
    /// <param name="options">What to run (null: the defaults).</param>
    /// <param name="fineTuneCallbacks">Makes the callbacks (progress) of each fine-tune, given its name.</param>
    /// <param name="ganCallbacks">Callbacks of the GAN's training.</param>
    /// <param name="progress">Told what starts next, one line each.</param>
    /// <param name="warn">Told about choices that work but probably not as meant.</param>
    /// <param name="cache">Where the real images' features for FID are cached (null: extracted every time).</param>
    /// <param name="overwrite">Whether an earlier quickstart in <paramref name="folder"/> may be replaced (only TransferGen's files are).</param>
    /// <param name="cancellationToken">Stops after the current batch.</param>
    public static QuickstartResult Run(string folder, QuickstartOptions? options = null, Func<string, IEnumerable<ICallback>>? fineTuneCallbacks = null,
        IEnumerable<ICallback>? ganCallbacks = null, Action<string>? progress = null, Action<string>? warn = null, FeatureStore? cache = null,
        bool overwrite = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        options ??= new QuickstartOptions();
        options.Validate();
        folder = Path.GetFullPath(folder);
        CheckFolder(folder, overwrite);
        var started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var dataset = DatasetResolver.Load(options.Data, new DatasetOptions());
        GanAugmentedFineTune.Check(dataset, options.Augmentation);
        var network = FeatureExtractors.Resolve(FeatureExtractors.Default);
        Directory.CreateDirectory(folder);
        using var held = FolderLock.Acquire(folder);
        CheckFolder(folder, overwrite);   // again under the lock: another quickstart may have started here since
        var steps = new List<QuickstartStep>();
        var k = options.LabelsPerClass;

        progress?.Invoke($"Data: {dataset.Format}, {dataset.Classes.Count} classes; {k} labelled images per class, {options.Pretrained.TestSplit(dataset).Count} test images.");
        var clock = Stopwatch.StartNew();
        progress?.Invoke($"[1/5] {QuickstartOptions.ScratchBackbone} from random weights on the {k} labels per class");
        var scratchTuner = new FineTuner(options.Scratch) { Warn = warn };
        if (fineTuneCallbacks is not null) scratchTuner.Callbacks.AddRange(fineTuneCallbacks("scratch"));
        var scratchRun = scratchTuner.Run(dataset, new RunFolder(Path.Combine(folder, ScratchFolder)), options.Data, overwrite: overwrite, cancellationToken: cancellationToken);
        scratchRun.Model.Dispose();
        var scratch = new QuickstartClassifier("from scratch", Path.Combine(folder, ScratchFolder), scratchRun.TestAccuracy ?? double.NaN, scratchRun.Steps, clock.Elapsed.TotalSeconds);
        steps.Add(new QuickstartStep("fine-tune from scratch", clock.Elapsed.TotalSeconds));

        // The pretrained fine-tune, the GAN and the augmented fine-tune are one seed of `augment`: the same code path.
        var stage = 2;
        var ganHistory = new StepMetricsHistory(Math.Max(1, options.GanSteps / 50));
        var phases = new Stopwatch();
        var phaseNames = new[] { "fine-tune the pretrained ResNet18", "train the conditional GAN and draw images", "fine-tune on real + generated images" };
        var augment = GanAugmentedFineTune.Run(dataset, options.Augmentation, seed: 0, folder,
            fineTuneCallbacks, [ganHistory, .. ganCallbacks ?? []],
            progress: line =>
            {
                // augment announces its three steps (and the drawing, part of the GAN's); each ends the one before.
                if (line.Contains(": drawing ", StringComparison.Ordinal))
                {
                    progress?.Invoke("      " + Trim(line));
                    return;
                }
                if (phases.IsRunning) steps.Add(new QuickstartStep(phaseNames[stage - 3], phases.Elapsed.TotalSeconds));
                progress?.Invoke($"[{stage}/5] {Trim(line)}");
                stage++;
                phases.Restart();
            },
            warn, overwrite, cancellationToken);
        steps.Add(new QuickstartStep(phaseNames[2], phases.Elapsed.TotalSeconds));
        var pretrainedSeconds = steps[1].Seconds;

        clock.Restart();
        progress?.Invoke($"[5/5] scoring the GAN: FID, KID, precision and recall ({network.Name}) against the real floor, and class agreement");
        GanEvaluationReport scores;
        ClassAgreementReport agreement;
        using (var generator = ImageGenerator.Load(Path.Combine(folder, GanFolder)))
        {
            scores = GanEvaluation.Evaluate(generator.Network, Path.Combine(folder, GanFolder), dataset, options.Data, network, options.ScoreCount, cache: cache);
            using var classifier = ImageClassifier.Load(Path.Combine(folder, PretrainedFolder));
            agreement = ClassAgreement.Measure(generator, classifier, options.AgreementPerClass, 0, "the pretrained classifier");
        }
        steps.Add(new QuickstartStep("score the GAN", clock.Elapsed.TotalSeconds));

        var result = new QuickstartResult
        {
            Data = options.Data,
            DataFormat = dataset.Format,
            Options = options,
            TrainImages = augment.RealTrainImages,
            TestImages = options.Pretrained.TestSplit(dataset).Count,
            Scratch = scratch,
            Pretrained = new QuickstartClassifier("pretrained (ImageNet)", Path.Combine(folder, PretrainedFolder), augment.RealOnly, augment.RealOnlySteps, pretrainedSeconds),
            Augmented = new QuickstartClassifier("pretrained, real + generated", Path.Combine(folder, AugmentedFolder), augment.Augmented, augment.AugmentedSteps, steps[^2].Seconds),
            GanFolder = Path.Combine(folder, GanFolder),
            GanSeconds = augment.GanSeconds,
            Generated = scores.Generated,
            Floor = scores.Floor,
            Agreement = agreement,
            Augment = augment,
            Steps = steps,
            Machine = $"{Devices.CpuModel()}, {Environment.ProcessorCount} cores, {TorchSharp.torch.get_num_threads()} LibTorch threads",
            Started = started,
        };
        clock.Restart();
        progress?.Invoke("Writing the report.");
        var report = QuickstartReport.Build(result with { Seconds = total.Elapsed.TotalSeconds }, folder, dataset, ganHistory.Points);
        result = result with { Seconds = total.Elapsed.TotalSeconds, Steps = [.. steps, new QuickstartStep("write the report", clock.Elapsed.TotalSeconds)] };
        RunFolder.WriteJson(Path.Combine(folder, ResultFile), result);
        report.Write(Path.Combine(folder, ReportFile));
        return result;
    }

    /// <summary>
    /// Throws the <see cref="InputException"/> <see cref="Run"/> would for <paramref name="folder"/>: it is a file, holds
    /// files the quickstart did not write, or holds an earlier quickstart and <paramref name="overwrite"/> is false.
    /// </summary>
    public static void CheckFolder(string folder, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (File.Exists(folder)) throw new InputException($"{folder} is a file; the quickstart needs a folder (a new or empty one).");
        if (RunFolder.IsEmpty(folder)) return;
        var foreign = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Where(name => !Entries.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (foreign.Count > 0)
            throw new InputException($"{folder} holds files the quickstart did not write ({string.Join(", ", foreign.Take(3))}{(foreign.Count > 3 ? ", ..." : "")}); " +
                                     "choose a new or empty folder with --out (TransferGen never writes among files it did not write).");
        var report = Path.Combine(folder, ReportFile);
        if (File.Exists(report) && !HtmlReport.IsOurs(report))
            throw new InputException($"{report} was not written by TransferGen; move it away or choose another --out.");
        if (!overwrite)
            throw new InputException($"{folder} already holds a quickstart; pass --overwrite to run it again (only the files TransferGen wrote are replaced), or choose another --out.");
    }

    // "seed 0: fine-tune on ..." → "fine-tune on ...": the quickstart runs one seed.
    static string Trim(string line) => line.StartsWith("seed 0: ", StringComparison.Ordinal) ? line["seed 0: ".Length..] : line;
}
