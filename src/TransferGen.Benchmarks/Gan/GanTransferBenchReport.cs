namespace TransferGen.Benchmarks.Gan;

/// <summary>The fixed budget of `bench gan-transfer` (every method trains the same target steps).</summary>
public sealed record GanTransferBenchOptions
{
    /// <summary>The dataset both domains come from.</summary>
    public string Data { get; init; } = "fashion-mnist";

    /// <summary>The source domain's classes (all of their training images).</summary>
    public IReadOnlyList<string> SourceClasses { get; init; } = ["0", "1", "2", "3", "4"];

    /// <summary>The target domain's classes.</summary>
    public IReadOnlyList<string> TargetClasses { get; init; } = ["5", "6", "7", "8", "9"];

    /// <summary>Training images per target class (the small dataset), drawn once with seed 0 and shared by every run.</summary>
    public int TargetPerClass { get; init; } = 100;

    /// <summary>Keep only this many source training images (a seeded subset, for smoke runs); all when null.</summary>
    public int? SourceMaxImages { get; init; }

    /// <summary>Epochs of the source run over all its training images.</summary>
    public int SourceEpochs { get; init; } = 5;

    /// <summary>D+G steps of every target run.</summary>
    public int Steps { get; init; } = 3000;

    /// <summary>Steps between two scores.</summary>
    public int EvalEvery { get; init; } = 500;

    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The training seeds of every method.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2];

    /// <summary>The methods, in the order they run (<see cref="GanTransferMethods.Names"/>).</summary>
    public IReadOnlyList<string> Methods { get; init; } = GanTransferMethods.Names;

    /// <summary>The GAN architecture of every run.</summary>
    public string Arch { get; init; } = "cdcgan";

    /// <summary>Side of the generated images.</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>Discriminator blocks TransferGAN + FreezeD freezes.</summary>
    public int FreezeD { get; init; } = 2;

    /// <summary>Generated images per score (the class labels cycle).</summary>
    public int GeneratedCount { get; init; } = 1000;

    /// <summary>Real test images of the target classes the scores compare with (all when there are fewer).</summary>
    public int RealCount { get; init; } = 5000;

    /// <summary>The feature network of FID/KID.</summary>
    public string Features { get; init; } = Scoring.FeatureExtractors.Default;

    /// <summary>KID subsets.</summary>
    public int KidSubsets { get; init; } = 50;
}

/// <summary>One score of a target run.</summary>
/// <param name="Step">D+G steps trained.</param>
/// <param name="Fid">FID against the real target test images.</param>
/// <param name="Kid">KID mean.</param>
/// <param name="KidStd">KID standard deviation over subsets.</param>
/// <param name="TrainSeconds">Training seconds since the previous score.</param>
public sealed record GanTransferScore(int Step, double Fid, double Kid, double KidStd, double TrainSeconds);

/// <summary>One method trained with one seed.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="Seed">The training seed.</param>
/// <param name="Folder">Its run folder.</param>
/// <param name="Scores">Its scores, every <see cref="GanTransferBenchOptions.EvalEvery"/> steps.</param>
public sealed record GanTransferRun(string Method, int Seed, string Folder, List<GanTransferScore> Scores)
{
    /// <summary>Seconds per D+G step over the whole run (training only).</summary>
    public double SecondsPerStep(int stepsPerScore) =>
        Scores.Count == 0 ? double.NaN : Scores.Sum(s => s.TrainSeconds) / (Scores.Count * (double)stepsPerScore);
}

/// <summary>What `bench gan-transfer` measured; rewritten after every score, so an interrupted benchmark keeps its figures.</summary>
public sealed record GanTransferBenchReport
{
    /// <summary>Where it ran.</summary>
    public required BenchmarkEnvironment Machine { get; init; }

    /// <summary>The budget.</summary>
    public required GanTransferBenchOptions Options { get; init; }

    /// <summary>The FID/KID feature network and resize.</summary>
    public required string Features { get; init; }

    /// <summary>The real images every score compares with.</summary>
    public required string Reference { get; init; }

    /// <summary>Real target training images against the real test images: the floor no generator can beat.</summary>
    public required GanTransferScore Floor { get; init; }

    /// <summary>The source run's folder and its training seconds.</summary>
    public required string SourceRun { get; init; }

    /// <summary>Every target run so far.</summary>
    public required List<GanTransferRun> Runs { get; init; }

    /// <summary>The command that made it.</summary>
    public string CommandLine { get; init; } = "";
}
