namespace TransferGen.Benchmarks.Gan;

/// <summary>The settings of one GAN benchmark: the same budget for every architecture.</summary>
public sealed record GanBenchOptions
{
    /// <summary>Dataset spec.</summary>
    public string Data { get; init; } = "fashion-mnist";

    /// <summary>Only these classes (indices or names, see ClassSelection), for training and scoring; all when null.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Architectures to train, in order.</summary>
    public IReadOnlyList<string> Archs { get; init; } = ["dcgan", "cdcgan"];

    /// <summary>Training images (a seeded stratified subset of the train split).</summary>
    public int MaxImages { get; init; } = 6000;

    /// <summary>Epochs per architecture.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Batch size: 64, the GAN default when these figures were first measured (`gan train` now defaults to 32).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Images per side of every FID/KID (generated and real).</summary>
    public int FidCount { get; init; } = 1000;

    /// <summary>Feature network name (see FeatureExtractors).</summary>
    public string Features { get; init; } = Scoring.FeatureExtractors.Default;

    /// <summary>Random subsets averaged for KID.</summary>
    public int KidSubsets { get; init; } = 50;

    /// <summary>Seed of training, latents and subsets.</summary>
    public int Seed { get; init; }
}

/// <summary>FID/KID of one architecture after one epoch (epoch 0: the untrained generator).</summary>
/// <param name="Epoch">Epochs trained.</param>
/// <param name="Fid">Fréchet distance to the real test images.</param>
/// <param name="Kid">Kernel inception distance (unbiased MMD²), mean over subsets.</param>
/// <param name="KidStd">Its standard deviation over subsets.</param>
/// <param name="TrainSeconds">Wall-clock seconds of this epoch's training (not scoring); 0 for epoch 0.</param>
public sealed record GanBenchEpoch(int Epoch, double Fid, double Kid, double KidStd, double TrainSeconds);

/// <summary>One architecture's curve.</summary>
/// <param name="Arch">Architecture.</param>
/// <param name="Epochs">Scores by epoch, from 0.</param>
/// <param name="Folder">Its run folder.</param>
/// <param name="FinalGrid">The last epoch's sample grid.</param>
public sealed record GanBenchRun(string Arch, List<GanBenchEpoch> Epochs, string Folder, string? FinalGrid);

/// <summary>Everything a GAN benchmark measured, with the mode every FID must state.</summary>
public sealed record GanBenchReport
{
    /// <summary>Machine and library versions.</summary>
    public required BenchmarkEnvironment Machine { get; init; }

    /// <summary>The settings.</summary>
    public required GanBenchOptions Options { get; init; }

    /// <summary>Feature network name and description.</summary>
    public required string Features { get; init; }

    /// <summary>How images are resized for the feature network.</summary>
    public required string Resize { get; init; }

    /// <summary>The real reference: split and image count.</summary>
    public required string Reference { get; init; }

    /// <summary>Real train vs real test at the same count: what a perfect generator would score.</summary>
    public required GanBenchEpoch Floor { get; init; }

    /// <summary>One curve per architecture.</summary>
    public required List<GanBenchRun> Runs { get; init; }

    /// <summary>The command that produced it.</summary>
    public string CommandLine { get; init; } = "";
}
