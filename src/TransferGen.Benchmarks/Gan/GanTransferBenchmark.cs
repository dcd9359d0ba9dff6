using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Metrics;
using TransferGen.Scoring;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Benchmarks.Gan;

/// <summary>
/// Small-data GAN recipes on one budget: a source GAN trained once on all images of some classes, then, for each method
/// and seed, the same number of D+G steps on a small set of other classes, scored with FID/KID against the target
/// classes' test images every <see cref="GanTransferBenchOptions.EvalEvery"/> steps. One "epoch" of a target run is
/// exactly that many steps (the small set repeated), so each score follows an epoch end and the trainer's exact resume.
/// </summary>
public static class GanTransferBenchmark
{
    /// <summary>
    /// Runs (or with <paramref name="resume"/> continues) the benchmark in <paramref name="outDir"/>;
    /// <paramref name="saved"/> gets the report after every score.
    /// </summary>
    public static GanTransferBenchReport Run(GanTransferBenchOptions options, string outDir, string commandLine, bool resume,
        Action<string>? progress = null, Action<GanTransferBenchReport>? saved = null, IEnumerable<ICallback>? trainingCallbacks = null,
        CancellationToken cancellationToken = default)
    {
        Validate(options);
        var previous = GanTransferBenchFiles.Check(outDir, resume, options);
        var requested = options;
        if (previous is not null) options = previous.Options;   // a resume continues every method and seed, old and new
        IO.AtomicFile.CreateFolder(outDir);
        using var held = IO.FolderLock.Acquire(outDir);

        var network = FeatureExtractors.Resolve(options.Features);
        using var extractor = network.Create();
        var all = DatasetResolver.Load(options.Data);
        var target = Select(all, options.TargetClasses, nameof(GanTransferBenchOptions.TargetClasses));
        var source = Select(all, options.SourceClasses, nameof(GanTransferBenchOptions.SourceClasses));   // a bad name fails now, not after scoring
        var small = SmallSet(target["train"], options.TargetPerClass);
        var real = ImageSetScoring.Limit(target["test"], options.RealCount, 0);
        progress?.Invoke($"real features: {real.Count} test images of classes {string.Join(",", options.TargetClasses)} through {network.Name}");
        using var realFeatures = FeatureExtraction.Collect(extractor, ImageSetScoring.Batches(real, network.InputSize));
        GanTransferScore floor;
        using (var train = FeatureExtraction.Collect(extractor,
                   ImageSetScoring.Batches(ImageSetScoring.Limit(target["train"], options.GeneratedCount, 1), network.InputSize)))
            floor = Score(train, realFeatures, 0, 0, options);

        var sourceRun = Path.Combine(outDir, "source");
        // Only a transfer run still to train needs the source (a resume that adds other methods does not).
        var chunksPerRun = options.Steps / options.EvalEvery;
        bool Finished(string method, int seed) =>
            previous?.Runs.FirstOrDefault(r => r.Method == method && r.Seed == seed) is { } done && done.Scores.Count >= chunksPerRun;
        if (options.Methods.Any(m => m.StartsWith("transfer", StringComparison.Ordinal) && options.Seeds.Any(seed => !Finished(m, seed))))
            TrainSource(options, source, sourceRun, progress, trainingCallbacks, cancellationToken);

        var report = previous ?? new GanTransferBenchReport
        {
            Machine = BenchmarkEnvironment.Current(),
            Options = options,
            Features = $"{network.Name}: {network.Description}; resized {network.ResizeFilter} to {network.InputSize}×{network.InputSize}",
            Reference = $"{options.Data} test split, classes {string.Join(",", options.TargetClasses)}, {real.Count} images",
            Floor = floor,
            SourceRun = sourceRun,
            Runs = [],
            CommandLine = commandLine,
        };
        saved?.Invoke(report);

        var repeated = new ImageDataset(target.Format, target.Source, target.Classes,
            [small.Subset(Cycle(small.Count, options.EvalEvery * options.BatchSize), "train")]);
        var chunks = chunksPerRun;
        // Seeds outermost: after the first pass every method has one complete run to compare. The runs this command
        // names (a resume's --methods and --seeds) go first, then the report's other unfinished ones.
        var order = options.Seeds.SelectMany(seed => options.Methods.Select(method => (Seed: seed, Method: method)))
            .OrderBy(r => requested.Methods.Contains(r.Method) && requested.Seeds.Contains(r.Seed) ? 0 : 1)
            .ToList();
        foreach (var (seed, method) in order)
        {
            var folder = Path.Combine(outDir, "runs", $"{method}-seed{seed}");
            var index = report.Runs.FindIndex(r => r.Method == method && r.Seed == seed);
            if (index < 0)
            {
                report.Runs.Add(new GanTransferRun(method, seed, folder, []));
                index = report.Runs.Count - 1;
            }
            var run = report.Runs[index];
            var config = GanTransferMethods.Apply(method, BaseConfig(options, seed), sourceRun, options.FreezeD);
            for (var chunk = run.Scores.Count + 1; chunk <= chunks; chunk++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke($"{method}, seed {seed}: steps {(chunk - 1) * options.EvalEvery + 1}–{chunk * options.EvalEvery} of {options.Steps}");
                var (generator, seconds) = GanBenchTraining.TrainTo(config, folder, chunk, repeated, trainingCallbacks, cancellationToken);
                using (generator)
                {
                    using var generated = FeatureExtraction.Collect(extractor,
                        ImageSetScoring.Resized(GanSampling.Batches(generator, options.GeneratedCount, 64, 0), network.InputSize));
                    run.Scores.Add(Score(generated, realFeatures, chunk * options.EvalEvery, seconds, options));
                }
                saved?.Invoke(report);
            }
        }
        return report;
    }

    static void Validate(GanTransferBenchOptions o)
    {
        foreach (var method in o.Methods) GanTransferMethods.Describe(method, o.FreezeD);   // an InputException for an unknown one
        if (o.Methods.Count == 0) throw new InputException("--methods names no method.");
        if (o.Seeds.Count == 0) throw new InputException("--seeds names no seed.");
        if (o.EvalEvery < 1 || o.Steps < o.EvalEvery || o.Steps % o.EvalEvery != 0)
            throw new InputException($"--steps ({o.Steps}) must be a positive multiple of --eval-every ({o.EvalEvery}).");
        if (o.TargetPerClass < 1) throw new InputException("--target-per-class must be at least 1.");
        if (o.SourceEpochs < 1) throw new InputException("--source-epochs must be at least 1.");
        if (o.GeneratedCount < 2 || o.RealCount < 2) throw new InputException("--fid-n and --real-n must be at least 2.");
        ClassSelection.CheckRequest(o.SourceClasses, $"{nameof(GanTransferBenchOptions)}.{nameof(o.SourceClasses)}");
        ClassSelection.CheckRequest(o.TargetClasses, $"{nameof(GanTransferBenchOptions)}.{nameof(o.TargetClasses)}");
        if (o.SourceClasses.Intersect(o.TargetClasses).Any())
            throw new InputException("The source and target classes overlap; the benchmark transfers between disjoint classes.");
    }

    /// <summary>The classes of <paramref name="data"/> that <paramref name="classes"/> names; a bad name is about <paramref name="option"/>.</summary>
    static ImageDataset Select(ImageDataset data, IReadOnlyList<string> classes, string option) =>
        ClassSelection.Apply(data, classes, $"{nameof(GanTransferBenchOptions)}.{option}");

    static GanTrainingConfig BaseConfig(GanTransferBenchOptions o, int seed) => new()
    {
        Data = $"{o.Data} (classes {string.Join(",", o.TargetClasses)}, {o.TargetPerClass} per class)",
        Arch = o.Arch, ImageSize = o.ImageSize, BatchSize = o.BatchSize, Seed = seed, Epochs = 1,
    };

    /// <summary>The source GAN: all training images of the source classes, trained (or continued) to its epochs.</summary>
    static void TrainSource(GanTransferBenchOptions o, ImageDataset source, string folder, Action<string>? progress, IEnumerable<ICallback>? callbacks,
        CancellationToken cancellationToken)
    {
        var done = File.Exists(Path.Combine(folder, Checkpoint.FileName)) ? GanModelFiles.EpochsTrained(folder) : 0;
        if (done >= o.SourceEpochs) return;
        var train = o.SourceMaxImages is int max ? ImageSetScoring.Limit(source["train"], max, 0) : source["train"];
        var data = new ImageDataset(source.Format, source.Source, source.Classes, [train]);
        progress?.Invoke($"source: {o.Arch} on classes {string.Join(",", o.SourceClasses)} ({train.Count} images), epochs {done + 1}–{o.SourceEpochs}");
        var config = new GanTrainingConfig
        {
            Data = $"{o.Data} (classes {string.Join(",", o.SourceClasses)})", Arch = o.Arch, ImageSize = o.ImageSize, BatchSize = o.BatchSize,
            Seed = 0, Epochs = o.SourceEpochs,
        };
        using var _ = done == 0
            ? GanTrainer.Train(data, config, new RunFolder(folder), callbacks, overwrite: true, cancellationToken)
            : GanTrainer.Resume(new RunFolder(folder), o.SourceEpochs, null, callbacks, data, cancellationToken);
    }

    /// <summary><paramref name="perClass"/> images of each class, drawn with seed 0 (the same small set for every run).</summary>
    static ImageSplit SmallSet(ImageSplit train, int perClass)
    {
        var random = new Random(0);
        var indices = train.Labels.Select((label, i) => (label, i)).GroupBy(p => p.label).OrderBy(g => g.Key)
            .SelectMany(g => g.Select(p => p.i).OrderBy(_ => random.Next()).Take(perClass))
            .ToList();
        return train.Subset(indices, "train");
    }

    /// <summary>0, 1, …, count−1 repeated to <paramref name="length"/> entries.</summary>
    static List<int> Cycle(int count, int length) => [.. Enumerable.Range(0, length).Select(i => i % count)];

    static GanTransferScore Score(Tensor a, Tensor b, int step, double seconds, GanTransferBenchOptions options)
    {
        var kid = Kid.Compute(a, b, options.KidSubsets, subsetSize: Math.Max(2, (int)Math.Min(a.shape[0], b.shape[0]) / 2), seed: 0);
        return new GanTransferScore(step, Fid.Compute(a, b), kid.Mean, kid.Std, seconds);
    }
}
