using TorchSharp;
using TransferGen.Tests.Data;
using TransferGen.Training;
using TransferGen.Training.Callbacks;
using static TorchSharp.torch;

namespace TransferGen.Tests.Training;

/// <summary>The engine's step events, cancellation and checkpoints, on a tiny linear regression.</summary>
[Collection(nameof(TransferGen.Tests.Transfer.SerialTorchTests))]
public class EngineTests
{
    /// <summary>A batch of inputs [B, 4] and targets [B, 1], made from (epoch, index) alone.</summary>
    sealed class Pairs(Tensor x, Tensor y) : IDisposable
    {
        public Tensor X { get; } = x;
        public Tensor Y { get; } = y;

        public void Dispose()
        {
            X.Dispose();
            Y.Dispose();
        }
    }

    /// <summary>A regression task: 6 batches an epoch of <paramref name="batch"/> pairs, drawn from a generator seeded by (epoch, index).</summary>
    sealed class Regression(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, int batch = 8, int batches = 6) : ITrainingTask<Pairs>
    {
        public IEnumerable<Pairs> Batches(int epoch, int firstBatch)
        {
            for (var i = firstBatch; i < batches; i++)
            {
                using var generator = new Generator((ulong)(1000 * epoch + i));
                var x = randn([batch, 4], generator: generator);
                var y = x.sum(1, keepdim: true) * 0.5 + 1;
                yield return new Pairs(x, y);
            }
        }

        public IReadOnlyDictionary<string, double> Step(Pairs batch, TrainingContext context)
        {
            var loss = nn.functional.mse_loss(model.call(batch.X), batch.Y);
            context.Minimize(loss, optimizer);
            return new Dictionary<string, double> { ["loss"] = loss.item<float>() };
        }

        public IReadOnlyDictionary<string, double>? Validate(TrainingContext context) => null;
    }

    sealed class StepRecorder : ICallback
    {
        public List<string> Events { get; } = [];
        public void BeforeBatch(TrainingContext c) => Events.Add("before_batch");
        public void AfterLoss(TrainingContext c, OptimizerStep s) => Events.Add($"after_loss {s.Name}");
        public void AfterBackward(TrainingContext c, OptimizerStep s) => Events.Add($"after_backward {s.Name} grad={s.Optimizer.parameters().All(p => p.grad is not null)}");
        public void AfterStep(TrainingContext c, OptimizerStep s) => Events.Add($"after_step {s.Name}");
        public void AfterBatch(TrainingContext c) => Events.Add("after_batch");
    }

    static (nn.Module<Tensor, Tensor> Model, optim.Optimizer Optimizer, TrainingContext Context) Setup(int seed = 0)
    {
        manual_seed(seed);
        var model = nn.Linear(4, 1);
        var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        var context = new TrainingContext { Epochs = 3, BatchesPerEpoch = 6, Phase = new TrainingPhase("all", 0, 3) };
        context.AddModule("model", model);
        context.SetOptimizer("model", optimizer);
        return (model, optimizer, context);
    }

    static float[] Weights(nn.Module module) => module.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();

    [Fact]
    public void Each_update_fires_after_loss_after_backward_with_gradients_ready_then_after_step()
    {
        var (model, optimizer, context) = Setup();
        using var _ = model;
        var recorder = new StepRecorder();
        context.Epochs = 1;
        new TrainingLoop<Pairs>(new Regression(model, optimizer, batches: 2), [recorder]).Fit(context);
        Assert.Equal(
        [
            "before_batch", "after_loss model", "after_backward model grad=True", "after_step model", "after_batch",
            "before_batch", "after_loss model", "after_backward model grad=True", "after_step model", "after_batch",
        ], recorder.Events);
    }

    [Fact]
    public void Accumulating_two_half_batches_takes_the_step_of_one_whole_batch()
    {
        // Plain SGD: the update is linear in the gradient, so half + half must equal the whole exactly (up to rounding).
        manual_seed(1);
        using var whole = nn.Linear(4, 1);
        using var halves = nn.Linear(4, 1);
        halves.load_state_dict(whole.state_dict());
        using var optWhole = optim.SGD(whole.parameters(), 0.1);
        using var optHalves = optim.SGD(halves.parameters(), 0.1);

        var wholeContext = new TrainingContext { Epochs = 1, BatchesPerEpoch = 3 };
        wholeContext.SetOptimizer("model", optWhole);
        new TrainingLoop<Pairs>(new Regression(whole, optWhole, batch: 8, batches: 3), []).Fit(wholeContext);

        // The same 24 pairs as 6 batches of 4, a step every second batch.
        var halfContext = new TrainingContext { Epochs = 1, BatchesPerEpoch = 6 };
        halfContext.SetOptimizer("model", optHalves);
        var split = new DelegateTask<Pairs>(
            (epoch, first) => new Regression(whole, optWhole, batch: 8, batches: 3).Batches(epoch, 0).SelectMany(b =>
            {
                using (b) return new[] { new Pairs(b.X[..4].clone(), b.Y[..4].clone()), new Pairs(b.X[4..].clone(), b.Y[4..].clone()) };
            }),
            (batch, ctx) =>
            {
                var loss = nn.functional.mse_loss(halves.call(batch.X), batch.Y);
                ctx.Minimize(loss, optHalves);
                return new Dictionary<string, double> { ["loss"] = loss.item<float>() };
            });
        var steps = 0;
        var counter = new StepCounter(() => steps++);
        new TrainingLoop<Pairs>(split, [new GradientAccumulation(2), counter]).Fit(halfContext);

        Assert.Equal(3, steps);
        var a = Weights(whole);
        var b = Weights(halves);
        for (var i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 5);
    }

    sealed class StepCounter(Action stepped) : ICallback
    {
        public void AfterStep(TrainingContext context, OptimizerStep step) => stepped();
    }

    sealed class GradientNorm : ICallback
    {
        public int Order => 10;
        public List<double> Norms { get; } = [];

        public void AfterBackward(TrainingContext context, OptimizerStep step)
        {
            using var scope = NewDisposeScope();
            Norms.Add(stack(step.Optimizer.parameters().Select(p => p.grad!.norm()).ToArray()).norm().item<float>());
        }
    }

    [Fact]
    public void Clipping_caps_the_gradient_norm_before_the_step()
    {
        var (model, optimizer, context) = Setup();
        using var _ = model;
        var norm = new GradientNorm();
        context.Epochs = 1;
        new TrainingLoop<Pairs>(new Regression(model, optimizer), [new GradientClipping(0.01), norm]).Fit(context);
        Assert.All(norm.Norms, n => Assert.True(n <= 0.01 + 1e-6, $"norm {n}"));
    }

    sealed class CancelAt(CancellationTokenSource source, int epoch, int batch) : ICallback
    {
        public bool Cancelled { get; private set; }

        public void AfterBatch(TrainingContext context)
        {
            if (context.Epoch == epoch && context.BatchIndex == batch) source.Cancel();
        }

        public void AfterCancel(TrainingContext context) => Cancelled = true;
    }

    [Fact]
    public void Cancelling_stops_after_the_current_batch_and_a_resume_from_its_checkpoint_ends_like_an_uninterrupted_run()
    {
        using var temp = new TempFolder();
        var (straight, straightOpt, straightContext) = Setup(seed: 5);
        using var _ = straight;
        new TrainingLoop<Pairs>(new Regression(straight, straightOpt), [new CheckpointWriter(temp["straight"], "test")]).Fit(straightContext);

        var (model, optimizer, context) = Setup(seed: 5);
        using var __ = model;
        using var source = new CancellationTokenSource();
        var cancel = new CancelAt(source, epoch: 1, batch: 2);
        var stopped = Assert.Throws<TrainingCancelledException>(() =>
            new TrainingLoop<Pairs>(new Regression(model, optimizer), [new CheckpointWriter(temp["run"], "test"), cancel]).Fit(context, source.Token));
        Assert.True(cancel.Cancelled);
        Assert.Equal((1, 3), (stopped.Epoch, stopped.BatchesDone));
        Assert.Contains(temp["run"], stopped.Message);
        Assert.Single(context.History);

        var checkpoint = Checkpoint.Open(Path.Combine(temp["run"], Checkpoint.FileName))!;
        Assert.Equal((1, 3, 9L), (checkpoint.State.EpochsCompleted, checkpoint.State.BatchesDone, checkpoint.State.GlobalStep));

        // A fresh process: other weights and optimiser state until the checkpoint restores them.
        var (resumed, resumedOpt, resumedContext) = Setup(seed: 99);
        using var ___ = resumed;
        checkpoint.Restore(resumedContext);
        new TrainingLoop<Pairs>(new Regression(resumed, resumedOpt), [new CheckpointWriter(temp["run"], "test")]).Fit(resumedContext);

        Assert.Equal(Weights(straight), Weights(resumed));
        Assert.Equal(straightContext.GlobalStep, resumedContext.GlobalStep);
        Assert.Equal(straightContext.History.Select(h => h["train_loss"]), resumedContext.History.Select(h => h["train_loss"]));
    }

    [Fact]
    public void An_optimiser_state_is_restored_only_into_the_phase_it_was_saved_in()
    {
        using var temp = new TempFolder();
        var (model, optimizer, context) = Setup();
        using var _ = model;
        context.Epochs = 1;
        new TrainingLoop<Pairs>(new Regression(model, optimizer), [new CheckpointWriter(temp.Path, "test")]).Fit(context);
        var checkpoint = Checkpoint.Open(Path.Combine(temp.Path, Checkpoint.FileName))!;
        Assert.Equal("all", checkpoint.State.Phase);

        var (other, otherOpt, otherContext) = Setup(seed: 3);
        using var __ = other;
        otherContext.Phase = new TrainingPhase("another", 0, 3);
        checkpoint.Restore(otherContext);
        Assert.False(checkpoint.TryLoadOptimizer(otherContext.OptimizerNamed("model"), "another"));
        Assert.True(checkpoint.TryLoadOptimizer(otherContext.OptimizerNamed("model"), "all"));
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_gets_one_sentence_naming_it()
    {
        using var temp = new TempFolder();
        var path = temp["checkpoint.pt"];
        File.WriteAllBytes(path, new byte[100]);
        var e = Assert.Throws<InputException>(() => Checkpoint.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("older", e.Message);
        Assert.Null(Checkpoint.Open(temp["none.pt"]));
    }

    [Fact]
    public void The_scheduler_scales_each_group_from_its_base_rate_by_phase_progress()
    {
        var (model, optimizer, context) = Setup();
        using var _ = model;
        var rates = new List<double>();
        var recorder = new RateRecorder(rates);
        context.Epochs = 1;
        context.BatchesPerEpoch = 4;
        context.Phase = new TrainingPhase("all", 0, 1);
        new TrainingLoop<Pairs>(new Regression(model, optimizer, batches: 4), [new LearningRateScheduler(p => 1 - p), recorder]).Fit(context);
        Assert.Equal([0.05, 0.0375, 0.025, 0.0125], rates.Select(r => Math.Round(r, 10)));
    }

    sealed class RateRecorder(List<double> rates) : ICallback
    {
        public void AfterLoss(TrainingContext context, OptimizerStep step) => rates.Add(step.Optimizer.ParamGroups.First().LearningRate);
    }

    [Fact]
    public void The_progress_log_writes_a_line_per_interval_inside_an_epoch_and_one_per_epoch()
    {
        var (model, optimizer, context) = Setup();
        using var _ = model;
        context.Epochs = 1;
        var log = new StringWriter();
        new TrainingLoop<Pairs>(new Regression(model, optimizer), [new ProgressLog(log, TimeSpan.Zero)]).Fit(context);
        var lines = log.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(7, lines.Length);
        Assert.StartsWith("epoch 1/1 [all]  batch 1/6  ", lines[0]);
        Assert.Contains("loss ", lines[0]);
        Assert.Contains("epoch ETA ", lines[0]);
        Assert.StartsWith("epoch 1/1 [all]  train_loss ", lines[^1]);
    }

    [Fact]
    public void A_failed_checkpoint_write_leaves_no_metrics_beyond_the_last_checkpoint_and_is_the_error_reported()
    {
        var (model, optimizer, context) = Setup();
        using var _ = model;
        using var temp = new TempFolder();
        var run = temp.Folder("run");
        var checkpoint = Path.Combine(run, Checkpoint.FileName);
        var kept = temp["epoch-1.pt"];
        // In the second epoch the checkpoint cannot be written (a folder stands in its place, as a full disk would refuse it).
        var sabotage = new Sabotage(context => context.Epoch == 1, () =>
        {
            File.Move(checkpoint, kept);
            Directory.CreateDirectory(checkpoint);
        });
        ICallback[] callbacks = [new MetricsLog(run), new TrainingCurvesCallback(run), new CheckpointWriter(run, "test"), sabotage, new FailingEnd()];

        var error = Assert.Throws<InputException>(() => new TrainingLoop<Pairs>(new Regression(model, optimizer), callbacks).Fit(context));
        Assert.Contains(checkpoint, error.Message);
        Assert.Equal(1, Checkpoint.Open(kept)!.State.EpochsCompleted);
        Assert.Single(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")));
        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.Equal(1, summary.RootElement.GetProperty("epochs_completed").GetInt32());
    }

    /// <summary>Runs <paramref name="act"/> at the epoch end <paramref name="when"/> picks, just before the checkpoint is written.</summary>
    sealed class Sabotage(Func<TrainingContext, bool> when, Action act) : ICallback
    {
        public int Order => 80;

        public void AfterEpoch(TrainingContext context)
        {
            if (when(context)) act();
        }
    }

    /// <summary>A callback whose end fails too, as a second write to a full disk would.</summary>
    sealed class FailingEnd : ICallback
    {
        public void AfterFit(TrainingContext context) => throw new IOException("No space left on device : '/elsewhere'", 28);
    }
}
