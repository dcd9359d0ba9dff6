using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
using TransferGen.Metrics;
using TransferGen.Tests.Data;
using static TorchSharp.torch;

namespace TransferGen.Tests.Metrics;

public class BatchInferenceTests
{
    static IEnumerable<Tensor> Counting(int count, int batchSize)
    {
        for (var start = 0; start < count; start += batchSize)
            yield return arange(start, Math.Min(count, start + batchSize), dtype: ScalarType.Float32).unsqueeze(1);   // [b, 1]
    }

    [Fact]
    public void Outputs_come_in_order_cut_at_the_limit_with_progress_and_nothing_left_behind()
    {
        var stats = DisposeScopeManager.Statistics;
        var live = stats.ThreadTotalLiveCount;
        var seen = new List<int>();
        using (var all = BatchInference.Run(Counting(10, 4), x => x.mul(2), progress: seen.Add)!)
        using (var cut = BatchInference.Run(Counting(10, 4), x => x.mul(2), limit: 6)!)
        {
            using var flat = all.flatten();
            Assert.Equal(Enumerable.Range(0, 10).Select(i => 2f * i), flat.data<float>().ToArray());
            Assert.Equal(new long[] { 6, 1 }, cut.shape);
            Assert.Equal([4, 4, 2], seen);
        }
        Assert.Null(BatchInference.Run(Counting(0, 4), x => x));
        Assert.Equal(live, stats.ThreadTotalLiveCount);   // lazily made batches and every intermediate were freed
    }

    [Fact]
    public void An_output_that_is_its_input_is_copied_and_the_callers_tensors_are_left_alone()
    {
        using var scope = NewDisposeScope();
        var mine = ones(3, 2);
        var result = BatchInference.Run([mine], x => x)!;
        mine.fill_(5);
        Assert.False(mine.IsInvalid);
        Assert.True(result.eq(1).all().item<bool>());
    }

    [Fact]
    public void A_module_runs_in_eval_mode_and_gets_its_mode_back_and_the_result_can_feed_autograd()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.9));
        model.train();
        var input = randn(8, 2);
        var features = BatchInference.Run(model, [input.narrow(0, 0, 5), input.narrow(0, 5, 3)])!;
        Assert.True(model.training);
        model.eval();
        using (inference_mode())
            Assert.True(features.allclose(model.call(input)));   // eval mode: dropout off
        // Not an inference tensor: a head can train on it.
        var head = nn.Linear(3, 1);
        head.call(features).sum().backward();
        Assert.NotNull(head.weight!.grad);
    }

    [Fact]
    public void Split_images_come_in_split_order_and_each_batch_is_freed()
    {
        var split = TestImages.NumberedSplit(7);
        var stats = DisposeScopeManager.Statistics;
        var live = stats.ThreadTotalLiveCount;
        using (var pixels = BatchInference.Run(BatchInference.Images(split, new ToFloat(), 3), x => x.flatten(1))!)
        {
            Assert.Equal(7, pixels.shape[0]);
            for (var i = 0; i < split.Count; i++)
            {
                using var scope = NewDisposeScope();
                Assert.True(pixels[i].eq(split.Read(i).to_type(ScalarType.Float32).div(255).flatten()).all().item<bool>(), $"image {i}");
            }
        }
        Assert.Equal(live, stats.ThreadTotalLiveCount);
    }
}
