using TorchSharp;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Models;
using TransferGen.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Benchmarks.Gan;

/// <summary>
/// One discriminator design to time in a GAN step: plain DCGAN (<see cref="Projected"/> null) or a pretrained-feature
/// discriminator on a backbone at a resolution, tapping some stages.
/// </summary>
/// <param name="Label">How tables name it ("dcgan", "resnet18-imagenet@64 layer1,layer2,layer3").</param>
/// <param name="Projected">The pretrained-feature discriminator, unresolved; null for DCGAN's own.</param>
public sealed record GanStepCandidate(string Label, ProjectedDiscriminatorOptions? Projected)
{
    /// <summary>Plain DCGAN, as `gan train --arch dcgan` trains it by default (non-saturating loss, BatchNorm D).</summary>
    public static GanStepCandidate Dcgan { get; } = new("dcgan", null);

    /// <summary>A pretrained-feature discriminator on <paramref name="backbone"/> at <paramref name="resolution"/>, tapping <paramref name="stages"/>.</summary>
    public static GanStepCandidate For(string backbone, int resolution, IReadOnlyList<string> stages) =>
        new($"{backbone}@{resolution} {string.Join(",", stages)}",
            new ProjectedDiscriminatorOptions { DBackbone = backbone, DResolution = resolution, DStages = stages });
}

/// <summary>
/// One `gan train` step (<see cref="GanStep.Run"/>: a D update, then a G update) of the DCGAN generator at the size
/// `gan train` uses for Fashion-MNIST (1×32×32, nz 100, ngf 64), batch 64, against one discriminator design. The
/// pretrained-feature candidates train with their default loss (hinge), DCGAN with its own (non-saturating), each as
/// `gan train` would run it. Throughput counts the real images of the batch.
/// </summary>
public sealed class GanStepWorkload : IThroughputWorkload
{
    /// <summary>Images per step: `gan train`'s default batch.</summary>
    public const int StandardBatch = 64;

    static readonly ImageShape Shape = new(1, 32, 32);

    readonly GanGenerator generator;
    readonly GanDiscriminator discriminator;
    readonly GanStepOptions step;
    readonly optim.Optimizer optimizerG;
    readonly optim.Optimizer optimizerD;
    readonly Tensor real;

    /// <summary>Builds the networks, their optimizers and a batch of "real" images for <paramref name="candidate"/>.</summary>
    /// <param name="candidate">The discriminator design.</param>
    /// <param name="batchSize">Images per step (<see cref="StandardBatch"/> when null).</param>
    /// <param name="seed">Seed of the weights and images.</param>
    public GanStepWorkload(GanStepCandidate candidate, int? batchSize = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        Candidate = candidate;
        BatchSize = batchSize ?? StandardBatch;
        torch.manual_seed(seed);
        var model = new GanOptions();
        if (candidate.Projected is { } projected)
            model = model with { Projected = projected.Resolve(BackboneRegistry.Get(projected.DBackbone), seed) };
        (generator, discriminator) = GanFactory.Create("dcgan", Shape, 0, model);
        // The loss default only: the step times the discriminator designs, and augmenting is the same cost for each.
        step = ProjectedGanDefaults.Apply(new GanTrainingConfig { Model = model }, lossChosen: false, augmentationChosen: true, modeSeekingChosen: true).Step;
        (optimizerG, optimizerD) = step.CreateOptimizers(generator, discriminator);
        generator.train();
        discriminator.train();
        using var scope = NewDisposeScope();
        // Reused: loading is not what this measures.
        real = torch.rand(BatchSize, 1, 32, 32).mul_(2).sub_(1).DetachFromDisposeScope();
    }

    /// <summary>The design being timed.</summary>
    public GanStepCandidate Candidate { get; }

    /// <inheritdoc />
    public string Name => "gan_step";

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public void Step() => GanStep.Run(generator, discriminator, optimizerG, optimizerD, real, labels: null, step);

    /// <inheritdoc />
    public void Dispose()
    {
        real.Dispose();
        optimizerG.Dispose();
        optimizerD.Dispose();
        generator.Dispose();
        discriminator.Dispose();
    }
}

/// <summary>Times GAN steps of several discriminator designs, interleaved so that every design sees the same machine load.</summary>
public static class GanStepBenchmark
{
    /// <summary>
    /// Builds every candidate (DCGAN first), then measures one step of each in turn for <paramref name="warmup"/> untimed
    /// and <paramref name="repeats"/> timed rounds; returns one summary per candidate, variant = its label.
    /// </summary>
    public static IReadOnlyList<TimingSummary> Run(ThroughputHarness harness, IReadOnlyList<GanStepCandidate> candidates, int warmup, int repeats,
        int? batchSize = null)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(candidates);
        var built = new List<BenchmarkCandidate>();
        try
        {
            foreach (var c in candidates) built.Add(new BenchmarkCandidate(c.Label, new GanStepWorkload(c, batchSize)));
            return harness.MeasureInterleaved(built, warmup, repeats);
        }
        finally
        {
            foreach (var b in built) b.Workload.Dispose();
        }
    }
}
