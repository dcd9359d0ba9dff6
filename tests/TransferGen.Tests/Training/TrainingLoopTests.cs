using TorchSharp;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Tests.Training;

public class TrainingLoopTests
{
    sealed class FakeBatch(int value) : IDisposable
    {
        public int Value { get; } = value;
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }

    sealed class Recorder : ICallback
    {
        public List<string> Events { get; } = new();
        public void BeforeFit(TrainingContext c) => Events.Add("before_fit");
        public void BeforeEpoch(TrainingContext c) => Events.Add($"before_epoch {c.Epoch}");
        public void BeforeBatch(TrainingContext c) => Events.Add($"before_batch {c.BatchIndex}");
        public void AfterBatch(TrainingContext c) => Events.Add($"after_batch {c.LastStep["loss"]}");
        public void BeforeValidate(TrainingContext c) => Events.Add("before_validate");
        public void AfterValidate(TrainingContext c) => Events.Add($"after_validate {c.EpochMetrics["val_accuracy"]}");
        public void AfterEpoch(TrainingContext c) => Events.Add($"after_epoch {c.EpochMetrics["train_loss"]}");
        public void AfterFit(TrainingContext c) => Events.Add("after_fit");
    }

    [Fact]
    public void Events_fire_in_order_and_epoch_figures_are_step_means()
    {
        var recorder = new Recorder();
        var batches = new List<FakeBatch>();
        var loop = new TrainingLoop<FakeBatch>(
            epoch => Enumerable.Range(1, 2).Select(i => { var b = new FakeBatch(i + 10 * epoch); batches.Add(b); return b; }),
            (batch, _) => new Dictionary<string, double> { ["loss"] = batch.Value },
            _ => new Dictionary<string, double> { ["accuracy"] = 0.5 },
            [recorder]);

        var context = loop.Fit(new TrainingContext { Epochs = 2, BatchesPerEpoch = 2 });

        Assert.Equal(
        [
            "before_fit",
            "before_epoch 0", "before_batch 0", "after_batch 1", "before_batch 1", "after_batch 2",
            "before_validate", "after_validate 0.5", "after_epoch 1.5",
            "before_epoch 1", "before_batch 0", "after_batch 11", "before_batch 1", "after_batch 12",
            "before_validate", "after_validate 0.5", "after_epoch 11.5",
            "after_fit",
        ], recorder.Events);
        Assert.Equal(4, context.GlobalStep);
        Assert.Equal(2, context.History.Count);
        Assert.Equal(11.5, context.History[1]["train_loss"]);
        Assert.All(batches, b => Assert.True(b.Disposed));
    }

    sealed class StopAfter(int steps, bool failure) : ICallback
    {
        public void AfterBatch(TrainingContext c)
        {
            if (c.GlobalStep >= steps) c.RequestStop("enough", failure);
        }
    }

    [Fact]
    public void A_callback_can_stop_training_and_a_failure_skips_validation_and_epoch_end()
    {
        var validated = 0;
        var loop = new TrainingLoop<FakeBatch>(
            _ => Enumerable.Range(0, 10).Select(i => new FakeBatch(i)),
            (_, _) => new Dictionary<string, double> { ["loss"] = 1 },
            _ => { validated++; return new Dictionary<string, double>(); },
            [new StopAfter(3, failure: true)]);

        var context = loop.Fit(new TrainingContext { Epochs = 5, BatchesPerEpoch = 10 });

        Assert.Equal(3, context.GlobalStep);
        Assert.Equal("enough", context.StopReason);
        Assert.True(context.StopIsFailure);
        Assert.Equal(0, validated);
        Assert.Empty(context.History);
    }

    [Fact]
    public void Tensors_made_inside_a_step_do_not_outlive_it()
    {
        var loop = new TrainingLoop<FakeBatch>(
            _ => Enumerable.Range(0, 50).Select(i => new FakeBatch(i)),
            (_, _) =>
            {
                var x = torch.randn(16, 16);
                var loss = x.matmul(x).sum();
                return new Dictionary<string, double> { ["loss"] = loss.item<float>() };
            },
            null, []);
        // Warm up once so lazily created globals do not count as leaks.
        loop.Fit(new TrainingContext { Epochs = 1, BatchesPerEpoch = 50 });
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        loop.Fit(new TrainingContext { Epochs = 3, BatchesPerEpoch = 50 });
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
