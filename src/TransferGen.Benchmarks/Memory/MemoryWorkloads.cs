using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Models.Gan;
using TransferGen.Training;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Benchmarks.Memory;

/// <summary>
/// Long runs of small training steps through the real code paths, sampled with <see cref="MemorySampler"/>, to
/// show that memory stays flat: a leaked tensor per step would grow the live count by thousands and RSS with it.
/// </summary>
public static class MemoryWorkloads
{
    /// <summary>The workload names, in run order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["finetune", "gan"];

    /// <summary>
    /// Runs the workload called <paramref name="name"/> for <paramref name="warmup"/> steps and then the largest of
    /// <paramref name="sampleAt"/>. The warm-up lets the .NET GC and the C heap grow to their working size first: in a
    /// fresh process both keep growing for about the first 2,000 small steps (measured on the DCGAN step: +11 % RSS
    /// from step 200 to 2,000, +0.2 % from 2,000 to 4,000, live tensors constant), which is sizing, not a leak.
    /// </summary>
    public static MemoryRun Run(string name, IReadOnlyCollection<long> sampleAt, long warmup = 0, int seed = 0) => name switch
    {
        "finetune" => FineTune(sampleAt, warmup, seed),
        "gan" => Gan(sampleAt, warmup, seed),
        _ => throw new InputException($"Unknown memory workload '{name}' (known: {string.Join(", ", Names)})."),
    };

    /// <summary>
    /// <see cref="FineTuner"/> on random 16×16 gray images (4 classes, 72 training images, batch 8): the backbone from
    /// scratch with every parameter training, augmentation, the batch loader's worker threads, validation every epoch.
    /// </summary>
    /// <param name="sampleAt">Steps after the warm-up after which to sample; the run stops after the last.</param>
    /// <param name="warmup">Steps run before the first counted one.</param>
    /// <param name="seed">Seed of the data, initialisation and shuffling.</param>
    /// <param name="backbone">Registry name of the backbone (tests use a tiny one).</param>
    /// <param name="countFinalized">Hold garbage collections between samples so that each sample counts the tensors
    /// left to finalizers since the previous one (<see cref="MemorySampler.HoldCollections"/>; small workloads only).</param>
    public static MemoryRun FineTune(IReadOnlyCollection<long> sampleAt, long warmup = 0, int seed = 0, string backbone = "resnet18",
        bool countFinalized = false)
    {
        var sampler = new MemorySampler(sampleAt, warmup) { HoldCollections = countFinalized };
        var dataset = RandomImages(80, new ImageShape(1, 16, 16), classes: 4, seed);
        var options = new FineTuneOptions
        {
            Backbone = backbone,
            FromScratch = true,
            Freeze = new FreezePolicy(FreezeKind.None),
            ImageSize = 16,
            BatchSize = 8,
            MinSteps = 0,
            Patience = 0,
            Seed = seed,
            // Enough epochs to reach the last sample; the sampler stops the loop at the end of that epoch.
            Epochs = (int)Math.Min(int.MaxValue, sampler.TotalSteps + 1),
        };
        var tuner = new FineTuner(options) { Callbacks = { sampler } };
        using (tuner.Run(dataset).Model) { }
        return new MemoryRun("finetune", $"finetune step: {backbone} from scratch, 1×16×16, batch 8, AdamW, augmentation, validation per epoch", sampler.Samples, warmup);
    }

    /// <summary>
    /// DCGAN steps (1×28×28, batch 8, non-saturating loss, one D and one G update) with the EMA generator update,
    /// in the <see cref="TrainingLoop{TBatch}"/>, on random images.
    /// </summary>
    /// <param name="sampleAt">Steps after the warm-up after which to sample; the run stops after the last.</param>
    /// <param name="warmup">Steps run before the first counted one.</param>
    /// <param name="seed">Seed of the data, initialisation and latents.</param>
    /// <param name="model">Sizes of the networks (default: nz 100, ngf = ndf = 64).</param>
    public static MemoryRun Gan(IReadOnlyCollection<long> sampleAt, long warmup = 0, int seed = 0, GanOptions? model = null)
    {
        model ??= new GanOptions();
        var sampler = new MemorySampler(sampleAt, warmup);
        var shape = new ImageShape(1, 28, 28);
        manual_seed(seed);
        var (g, d) = GanFactory.Create("dcgan", shape, classCount: 1, model);
        var emaG = GanFactory.CreateGenerator("dcgan", shape, classCount: 1, model);
        using (g)
        using (d)
        using (emaG)
        using (var rng = new Generator((ulong)seed))
        using (var real = rand(new long[] { 8, 1, 28, 28 }, generator: rng).mul_(2).sub_(1))
        using (var labels = zeros(8, dtype: int64))
        {
            var stepOptions = new GanStepOptions();
            var (optG, optD) = stepOptions.CreateOptimizers(g, d);
            var ema = new Ema<GanGenerator>(g, emaG);
            var loop = new TrainingLoop<Batch>(
                // Epochs of 10 steps: the sampler looks at epoch ends.
                _ => Enumerable.Range(0, 10).Select(i => new Batch(real.alias(), labels.alias(), [i])),
                (batch, context) =>
                {
                    var result = GanStep.Run(g, d, optG, optD, batch.Images, null, stepOptions, rng);
                    ema.Update(GanTrainer.EmaDecayAt(ema.Decay, context.GlobalStep));
                    return new Dictionary<string, double> { ["d_loss"] = result.DLoss, ["g_loss"] = result.GLoss };
                },
                validate: null,
                [sampler]);
            loop.Fit(new TrainingContext { Epochs = int.MaxValue, BatchesPerEpoch = 10 });
            optG.Dispose();
            optD.Dispose();
        }
        return new MemoryRun("gan", $"DCGAN step: 1×28×28, batch 8, nz {model.Nz}, ngf {model.Ngf}, ndf {model.Ndf}, one D and one G update, EMA", sampler.Samples, warmup);
    }

    static ImageDataset RandomImages(int count, ImageShape shape, int classes, int seed)
    {
        using var rng = new Generator((ulong)seed);
        var images = randint(0, 256, new long[] { count, shape.Channels, shape.Height, shape.Width }, dtype: uint8, generator: rng);
        var labels = Enumerable.Range(0, count).Select(i => i % classes).ToArray();
        var names = Enumerable.Range(0, classes).Select(i => $"class{i}").ToList();
        return new ImageDataset("memory", "random images", names, [new TensorSplit("train", images, labels)]);
    }
}
