using TorchSharp;
using System.Diagnostics;
using System.Text.Json;
using TransferGen.Data;
using TransferGen.IO;
using TransferGen.Models.Gan;
using TransferGen.Training;
using TransferGen.Training.Callbacks;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>How a GAN run ended.</summary>
/// <param name="Context">The loop's final state (history, steps, stop reason).</param>
/// <param name="TrainImages">Images trained on.</param>
/// <param name="StepsPerEpoch">Steps per epoch.</param>
/// <param name="ResumedFromEpoch">Epochs already done when the run started (0 for a fresh run).</param>
public sealed record GanTrainingResult(TrainingContext Context, int TrainImages, int StepsPerEpoch, int ResumedFromEpoch)
{
    /// <summary>True when a divergence detector stopped the run.</summary>
    public bool Diverged => Context.StopIsFailure;
}

/// <summary>
/// Trains a GAN with <see cref="TrainingLoop{TBatch}"/>: each step is <see cref="GanStep.Run"/> followed by an EMA
/// update; the run folder gets config.json, metrics, sample grids, TensorBoard scalars, a checkpoint and the model
/// files at every epoch end.
/// </summary>
public static class GanTrainer
{
    // Streams derived from the one user seed, so weights, latents and the sample grid never share random numbers.
    const long LatentStream = 0x4C41_5445, GridStream = 0x4752_4944;

    /// <summary>
    /// Trains a fresh run in <paramref name="run"/>, or continues it when <paramref name="resume"/> (weights, optimizer
    /// states, latent RNG, step counter and history come from RUN/checkpoint.bin; <paramref name="config"/> should be
    /// the checkpoint's, with more epochs if wanted).
    /// </summary>
    /// <param name="config">The run's options.</param>
    /// <param name="run">The run folder (created if needed).</param>
    /// <param name="resume">Continue from the run's checkpoint.</param>
    /// <param name="extraCallbacks">More callbacks, e.g. a progress display.</param>
    public static GanTrainingResult Train(GanTrainingConfig config, string run, bool resume, IEnumerable<ICallback>? extraCallbacks = null)
    {
        config.Validate();
        if (config.Step.Loss == GanLossKind.WganGp && config.Model.UseDiscriminatorBatchNorm && config.Arch != "mlp")
            throw new InputException("WGAN-GP needs a discriminator without BatchNorm: add --spectral-norm (which turns BatchNorm off) or use another loss.");
        var device = Devices.Parse(config.Device);
        var data = GanTrainingData.Load(config);
        var conditional = GanFactory.IsConditional(config.Arch);

        manual_seed(config.Seed);
        var (g, d) = GanFactory.Create(config.Arch, data.Shape, data.Classes.Count, config.Model);
        var emaG = GanFactory.CreateGenerator(config.Arch, data.Shape, data.Classes.Count, config.Model);
        g.to(device);
        d.to(device);
        emaG.to(device);
        emaG.eval();
        var ema = new Ema<GanGenerator>(g, emaG, config.EmaDecay);
        var (optG, optD) = config.Step.CreateOptimizers(g, d);
        using var latentRng = new Generator((ulong)(config.Seed ^ LatentStream), device);
        var parts = new GanCheckpoint.Parts(g, d, emaG, optG, optD, latentRng);

        var steps = data.StepsPerEpoch(config);
        var context = new TrainingContext { Epochs = config.Epochs, BatchesPerEpoch = steps };
        Directory.CreateDirectory(run);
        var resumedFrom = 0;
        if (resume)
        {
            IO.AtomicFile.RemoveStale(run);   // half-written files of the killed process
            var state = GanCheckpoint.Load(GanCheckpoint.PathIn(run), parts);
            context.Epoch = resumedFrom = state.EpochsCompleted;
            context.GlobalStep = state.GlobalStep;
            context.History.AddRange(state.History);
            RewriteMetricsLines(run, state.History, steps);
        }
        config.Save(Path.Combine(run, "config.json"));

        var info = new GanModelInfo(config.Arch, data.Shape.Channels, data.Shape.Height, data.Classes, conditional, config.Model, resumedFrom);
        var callbacks = new List<ICallback>
        {
            new NonFiniteLossStop(),
            new EpochTimer(),
            new GanSampleGridCallback(emaG, run, config.Seed ^ GridStream),
            new MetricsLog(run),
            new TensorBoardLog(Path.Combine(run, "tensorboard")),
            new TrainingCurvesCallback(run),
            new GanCheckpointCallback(run, config, parts, info),
        };
        // WGAN-GP's critic loss is unbounded and often near 0 in healthy runs, so "D won" cannot be read from it.
        if (config.Step.Loss != GanLossKind.WganGp)
            callbacks.Add(new DiscriminatorCollapseStop(config.CollapseSteps, config.CollapseThreshold));
        if (extraCallbacks is not null) callbacks.AddRange(extraCallbacks);

        var loop = new TrainingLoop<Batch>(
            epoch => config.DryRun ? data.Loader.Epoch(epoch).Take(steps) : data.Loader.Epoch(epoch),
            (batch, ctx) =>
            {
                var onDevice = device.type == DeviceType.CPU;
                var real = onDevice ? batch.Images : batch.Images.to(device);
                var labels = !conditional ? null : onDevice ? batch.Labels : batch.Labels.to(device);
                var result = GanStep.Run(g, d, optG, optD, real, labels, config.Step, latentRng);
                ema.Update(EmaDecayAt(config.EmaDecay, ctx.GlobalStep));
                return new Dictionary<string, double>
                {
                    ["d_loss"] = result.DLoss,
                    ["g_loss"] = result.GLoss,
                    ["d_real"] = result.DReal,
                    ["d_fake"] = result.DFake,
                };
            },
            validate: null,
            callbacks);
        g.train();
        d.train();
        loop.Fit(context);
        return new GanTrainingResult(context, data.Split.Count, steps, resumedFrom);
    }

    /// <summary>
    /// The EMA decay used at <paramref name="step"/>: min(decay, (1 + step) / (10 + step)). With a fixed 0.999 the
    /// average would still be 90 % random initial weights after 100 steps, so early sample grids would show noise;
    /// the warm-up lets it follow the generator closely at first. A function of the global step alone, so a resumed
    /// run averages exactly as an uninterrupted one.
    /// </summary>
    public static double EmaDecayAt(double decay, long step) => Math.Min(decay, (1.0 + step) / (10.0 + step));

    // A kill between MetricsLog and the checkpoint can leave metrics.jsonl one epoch ahead of the checkpoint; the
    // resumed run redoes that epoch, so the file is rebuilt from the checkpoint's history.
    static void RewriteMetricsLines(string run, List<Dictionary<string, double>> history, int stepsPerEpoch)
    {
        var lines = history.Select((h, i) => JsonSerializer.Serialize(
            new Dictionary<string, double>(h) { ["epoch"] = i + 1, ["step"] = (long)(i + 1) * stepsPerEpoch }, JsonDefaults.Compact) + "\n");
        AtomicFile.WriteAllText(Path.Combine(run, "metrics.jsonl"), string.Concat(lines));
    }

    /// <summary>Adds the epoch's wall-clock seconds to its figures ("epoch_seconds").</summary>
    sealed class EpochTimer : ICallback
    {
        readonly Stopwatch _clock = new();

        public void BeforeEpoch(TrainingContext context) => _clock.Restart();

        public void AfterValidate(TrainingContext context) => context.EpochMetrics["epoch_seconds"] = _clock.Elapsed.TotalSeconds;
    }
}
