using TorchSharp;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Training;
using TransferGen.Metrics;
using TransferGen.Models.Gan;
using TransferGen.Scoring;
using static TorchSharp.torch;

namespace TransferGen.Benchmarks.Gan;

/// <summary>
/// Trains each architecture on the same budget and scores its EMA generator with FID/KID after every epoch (and
/// untrained, at epoch 0) against one fixed set of real test images, whose features are computed once. Training goes
/// through <see cref="GanTrainer"/> one epoch at a time with its exact resume, so the curves are those of one run.
/// </summary>
public static class GanBenchmark
{
    /// <summary>
    /// Runs the benchmark into <paramref name="outDir"/> (locked meanwhile; see <see cref="GanBenchFiles.Check"/> for which
    /// folders it takes, <paramref name="overwrite"/> letting it replace an earlier benchmark's results);
    /// <paramref name="saved"/> is called with the report after every score. <paramref name="commandLine"/> is recorded in
    /// the report so its results say how to reproduce them. With <paramref name="resume"/> it continues the benchmark in
    /// <paramref name="outDir"/>: finished scores are kept, an unfinished run resumes from its checkpoint, and the epochs
    /// may grow.
    /// </summary>
    public static GanBenchReport Run(GanBenchOptions options, string outDir, string commandLine, Action<string>? progress = null,
        Action<GanBenchReport>? saved = null, IEnumerable<Training.ICallback>? trainingCallbacks = null, bool overwrite = false,
        bool resume = false, CancellationToken cancellationToken = default)
    {
        if (options.Archs.Count == 0) throw new InputException("--archs names no architecture.");
        foreach (var arch in options.Archs)
            if (!GanFactory.Architectures.Contains(arch))
                throw new InputException($"Unknown GAN architecture '{arch}' (choose from: {string.Join(", ", GanFactory.Architectures)}).");
        if (options.FidCount < 2) throw new InputException("--fid-n must be at least 2.");
        if (options.Epochs < 1) throw new InputException("--epochs must be at least 1.");

        GanBenchFiles.Check(outDir, overwrite, resume, options);
        IO.AtomicFile.CreateFolder(outDir);
        using var held = IO.FolderLock.Acquire(outDir);
        var previous = GanBenchFiles.Check(outDir, overwrite, resume, options);   // again under the lock: another benchmark may have started here since
        var network = FeatureExtractors.Resolve(options.Features);
        using var extractor = network.Create();
        var dataset = DatasetResolver.Load(options.Data, new DatasetOptions { Seed = options.Seed, Classes = options.Classes });
        var test = ImageSetScoring.Limit(dataset["test"], options.FidCount, options.Seed);
        var n = Math.Min(test.Count, dataset["train"].Count);
        test = ImageSetScoring.Limit(test, n, options.Seed);

        progress?.Invoke($"real features: {n} test and {n} train images through {network.Name}");
        using var real = FeatureExtraction.Collect(extractor, ImageSetScoring.Batches(test, network.InputSize));
        GanBenchEpoch floor;
        using (var train = FeatureExtraction.Collect(extractor, ImageSetScoring.Batches(ImageSetScoring.Limit(dataset["train"], n, options.Seed), network.InputSize)))
            floor = Score(train, real, 0, 0, options);

        var report = previous ?? new GanBenchReport
        {
            Machine = BenchmarkEnvironment.Current(),
            Options = options,
            Features = $"{network.Name}: {network.Description}",
            Resize = $"{network.ResizeFilter} to {network.InputSize}×{network.InputSize}",
            Reference = $"{options.Data} test split, {n} images",
            Floor = floor,
            Runs = [],
            CommandLine = commandLine,
        };
        saved?.Invoke(report);

        foreach (var arch in options.Archs)
        {
            var folder = Path.Combine(outDir, "runs", arch);
            var config = new GanTrainingConfig
            {
                Data = options.Data, Classes = options.Classes, Arch = arch, MaxImages = options.MaxImages, BatchSize = options.BatchSize, Seed = options.Seed,
            };
            var index = report.Runs.FindIndex(r => r.Arch == arch);
            if (index < 0)
            {
                report.Runs.Add(new GanBenchRun(arch, [], folder, null));
                index = report.Runs.Count - 1;
            }
            var run = report.Runs[index];

            if (run.Epochs.Count == 0)
            {
                progress?.Invoke($"{arch}: scoring the untrained generator");
                run.Epochs.Add(ScoreGenerator(Untrained(config), extractor, network, real, n, 0, 0, options));
                saved?.Invoke(report);
            }

            for (var epoch = run.Epochs.Count; epoch <= options.Epochs; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke($"{arch}: epoch {epoch}/{options.Epochs}");
                // A fresh benchmark starts each run anew (an earlier benchmark's run there is replaced); a resumed one
                // continues the run's checkpoint.
                var (generator, seconds) = epoch == 1 && previous is null
                    ? Fresh(config, folder, trainingCallbacks, cancellationToken)
                    : GanBenchTraining.TrainTo(config, folder, epoch, null, trainingCallbacks, cancellationToken);
                using (generator)
                    run.Epochs.Add(ScoreGenerator(generator, extractor, network, real, n, epoch, seconds, options));
                report.Runs[index] = run with { FinalGrid = Path.Combine(folder, "samples", "latest.png") };
                run = report.Runs[index];
                saved?.Invoke(report);
            }
        }
        return report;
    }

    static (GanGenerator Generator, double Seconds) Fresh(GanTrainingConfig config, string folder, IEnumerable<Training.ICallback>? callbacks,
        CancellationToken cancellationToken)
    {
        // The run folder is the benchmark's own: an earlier run there is replaced (only TransferGen's files are removed).
        var result = GanTrainer.Train(config with { Epochs = 1 }, folder, callbacks, overwrite: true, cancellationToken);
        if (result.Diverged)
        {
            result.Dispose();
            throw new InvalidOperationException($"{config.Arch} diverged at epoch 1: {result.Context.StopReason}");
        }
        return (result.Generator, result.Context.History[^1].GetValueOrDefault("epoch_seconds"));
    }

    /// <summary>The generator exactly as the trainer initialises it (same seed, same order of creation).</summary>
    static GanGenerator Untrained(GanTrainingConfig config)
    {
        var data = GanTrainingData.Load(config);
        manual_seed(config.Seed);
        var (g, d) = GanFactory.Create(config.Arch, data.Shape, data.Classes.Count, config.Model);
        d.Dispose();
        g.eval();
        return g;
    }

    static GanBenchEpoch ScoreGenerator(GanGenerator g, IFeatureExtractor extractor, FeatureNetwork network, Tensor real,
        int n, int epoch, double seconds, GanBenchOptions options)
    {
        using var generated = FeatureExtraction.Collect(extractor,
            ImageSetScoring.Resized(GanSampling.Batches(g, n, 64, options.Seed), network.InputSize));
        return Score(generated, real, epoch, seconds, options);
    }

    static GanBenchEpoch Score(Tensor a, Tensor b, int epoch, double seconds, GanBenchOptions options)
    {
        // Subsets of half the set, so KID's spread over subsets says something (a subset of all n would repeat one set).
        var kid = Kid.Compute(a, b, options.KidSubsets, subsetSize: Math.Max(2, (int)a.shape[0] / 2), seed: options.Seed);
        return new GanBenchEpoch(epoch, Fid.Compute(a, b), kid.Mean, kid.Std, seconds);
    }
}
