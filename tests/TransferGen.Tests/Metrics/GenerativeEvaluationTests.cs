using TorchSharp;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Metrics;
using TransferGen.Tests.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Metrics;

public class GenerativeEvaluationTests
{
    /// <summary>A stand-in feature network: per-image pixel mean, std, min and max.</summary>
    sealed class PixelStats : IFeatureExtractor
    {
        public int Dim => 4;
        public string Name => "pixel-stats";
        public Tensor Extract(Tensor images)
        {
            var flat = images.flatten(1);
            return stack(new[] { flat.mean(new long[] { 1 }), flat.std(1), flat.amin(1), flat.amax(1) }, 1);
        }
        public void Dispose() { }
    }

    static IEnumerable<Tensor> RandomBatches(int count, int batchSize, long seed, float scale = 1f)
    {
        using var g = new TorchSharp.torch.Generator((ulong)seed);
        for (var i = 0; i < count; i += batchSize)
            yield return rand(new long[] { Math.Min(batchSize, count - i), 1, 8, 8 }, generator: g).mul_(scale);
    }

    [Fact]
    public void CollectGathersAllFeaturesHonoursTheLimitAndFreesLazyBatches()
    {
        var stats = DisposeScopeManager.Statistics;
        var live = stats.ThreadTotalLiveCount;
        var before = stats.ToString();
        using var extractor = new PixelStats();
        var all = FeatureExtraction.Collect(extractor, RandomBatches(10, 4, 1));
        var some = FeatureExtraction.Collect(extractor, RandomBatches(10, 4, 1), limit: 6);
        Assert.Equal(new long[] { 10, 4 }, all.shape);
        Assert.Equal(new long[] { 6, 4 }, some.shape);
        using (var head = all.narrow(0, 0, 6)) Assert.True(head.allclose(some));
        all.Dispose();
        some.Dispose();
        Assert.True(live == stats.ThreadTotalLiveCount, before + " -> " + stats);   // every batch and intermediate was disposed
    }

    [Fact]
    public void ScoresAreNearZeroForTheSameSourceAndPositiveForADifferentOne()
    {
        using var extractor = new PixelStats();
        var same = GenerativeEvaluation.Evaluate(extractor, RandomBatches(200, 64, 1), RandomBatches(200, 64, 2), kidSubsets: 10, kidSubsetSize: 100);
        var darker = GenerativeEvaluation.Evaluate(extractor, RandomBatches(200, 64, 1), RandomBatches(200, 64, 2, scale: 0.6f), kidSubsets: 10, kidSubsetSize: 100);
        Assert.True(darker.Fid > 10 * same.Fid, $"{same} vs {darker}");
        Assert.True(darker.Kid.Mean > same.Kid.Mean + 5 * darker.Kid.Std, $"{same} vs {darker}");
        Assert.Equal((200L, 200L, "pixel-stats"), (same.RealCount, same.FakeCount, same.Extractor));
    }

    [Fact]
    public void GeneratedBatchesFeedTheEvaluation()
    {
        var (g, _) = TinyGan.Create("dcgan", new ImageShape(1, 28, 28));
        using var extractor = new PixelStats();
        var scores = GenerativeEvaluation.Evaluate(extractor, GanSampling.Batches(g, 40, 16, seed: 1),
            GanSampling.Batches(g, 40, 16, seed: 2), kidSubsets: 3);
        Assert.True(double.IsFinite(scores.Fid) && double.IsFinite(scores.Kid.Mean));
        Assert.Equal(20, scores.Kid.SubsetSize);
    }
}
