using TorchSharp;
using TransferGen.Generation;
using TransferGen.Tests.Data;
using TransferGen.Training;
using TransferGen.Training.Callbacks;

namespace TransferGen.Tests.Generation;

public class GanTrainerTests
{
    /// <summary>A tiny IDX dataset: <paramref name="count"/> 28×28 images of 4 classes, train and test.</summary>
    static string TinyIdx(TempFolder temp, int count)
    {
        var folder = temp.Folder("data");
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 4)).ToArray();
        TestFiles.WriteIdxPair(folder, "train", TestFiles.Pattern(count, 28 * 28), count, 28, 28, labels, gzip: false);
        TestFiles.WriteIdxPair(folder, "t10k", TestFiles.Pattern(count, 28 * 28, salt: 3), count, 28, 28, labels, gzip: false);
        return folder;
    }

    sealed class LiveTensors : ICallback
    {
        public List<long> AfterEachStep { get; } = new();
        public void AfterBatch(TrainingContext context) => AfterEachStep.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Live_tensor_count_is_constant_from_step_to_step()
    {
        using var temp = new TempFolder();
        var data = TinyIdx(temp, 48);
        var live = new LiveTensors();
        var config = new GanTrainingConfig { Data = data, Arch = "cdcgan", BatchSize = 8, Epochs = 1, Seed = 1 };

        using var result = GanTrainer.Train(config, temp["run"], [live]);

        Assert.False(result.Diverged);
        Assert.Equal(6, live.AfterEachStep.Count);
        // The first step creates Adam's moment buffers; after that nothing may accumulate. The count is per thread:
        // each batch's two tensors are made on a loader thread and disposed on this one, so it falls by exactly 2.
        var changes = live.AfterEachStep.Skip(1).Zip(live.AfterEachStep.Skip(2), (a, b) => b - a);
        Assert.All(changes, change => Assert.Equal(-2, change));
    }

    static TrainingContext StepWith(DiscriminatorCollapseStop stop, TrainingContext context, double dLoss)
    {
        context.LastStep = new Dictionary<string, double> { ["d_loss"] = dLoss, ["g_loss"] = 9 };
        context.GlobalStep++;
        stop.AfterBatch(context);
        return context;
    }

    [Fact]
    public void Collapse_stop_needs_a_run_of_consecutive_low_discriminator_losses()
    {
        var stop = new DiscriminatorCollapseStop(steps: 3, threshold: 1e-3);
        var context = new TrainingContext { Epochs = 1, BatchesPerEpoch = 10 };
        StepWith(stop, context, 1e-4);
        StepWith(stop, context, 1e-4);
        StepWith(stop, context, 0.5);          // a healthy step resets the run
        StepWith(stop, context, 1e-5);
        StepWith(stop, context, 1e-5);
        Assert.False(context.StopRequested);
        StepWith(stop, context, 1e-5);
        Assert.True(context.StopRequested);
        Assert.True(context.StopIsFailure);
        Assert.Contains("discriminator loss stayed below", context.StopReason);
    }

    [Fact]
    public void Diverged_run_stops_with_a_failure_and_keeps_no_bad_checkpoint()
    {
        using var temp = new TempFolder();
        var data = TinyIdx(temp, 32);
        // A threshold every loss is below and a one-step window: the first step counts as collapse.
        var config = new GanTrainingConfig
        {
            Data = data, Arch = "mlp", BatchSize = 8, Epochs = 2, Seed = 1, CollapseSteps = 1, CollapseThreshold = 1e9,
        };
        using var result = GanTrainer.Train(config, temp["run"]);

        Assert.True(result.Diverged);
        Assert.Equal(1, result.Context.GlobalStep);
        Assert.False(File.Exists(new RunFolder(temp["run"]).CheckpointPath));   // no epoch finished, so no checkpoint claims one
    }
}

public class GanDefaultImageSizeTests
{
    [Theory]
    [InlineData(28, 32)]
    [InlineData(32, 32)]
    [InlineData(64, 64)]
    [InlineData(100, 32)]
    public void Square_data_trains_at_32_px_unless_it_is_64(int side, int expected) =>
        Assert.Equal(expected, TransferGen.Generation.GanTrainingData.DefaultImageSize(new TransferGen.Data.ImageShape(1, side, side)));
}
