using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
using static TorchSharp.torch;
using static TransferGen.Tests.Data.TestImages;

namespace TransferGen.Tests.Data;

public class BatchLoaderTests
{
    // Only to catch deadlocks: every test here finishes in well under a second.
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    static T WithinDeadline<T>(Func<T> work)
    {
        var task = Task.Run(work);
        Assert.True(task.Wait(Deadline), "the loader did not finish: deadlock?");
        return task.Result;
    }

    /// <summary>Indices and image tensors of a whole epoch (the batches are disposed).</summary>
    static (List<int[]> Indices, List<long[]> Labels, List<float[]> Images, List<long[]> Shapes) Drain(IEnumerable<Batch> batches) =>
        WithinDeadline(() =>
        {
            var result = (new List<int[]>(), new List<long[]>(), new List<float[]>(), new List<long[]>());
            foreach (var batch in batches)
                using (batch)
                {
                    result.Item1.Add(batch.Indices.ToArray());
                    result.Item2.Add(batch.Labels.data<long>().ToArray());
                    result.Item3.Add(Values(batch.Images));
                    result.Item4.Add(batch.Images.shape);
                }
            return result;
        });

    [Fact]
    public void WithoutShuffleBatchesFollowSplitOrder()
    {
        var split = NumberedSplit(10);
        var loader = new BatchLoader(split, new ToFloat(), new BatchLoaderOptions { BatchSize = 4 });
        var epoch = Drain(loader.Epoch(0));
        Assert.Equal(Enumerable.Range(0, 10), epoch.Indices.SelectMany(i => i));
        Assert.Equal(split.Labels.Select(l => (long)l), epoch.Labels.SelectMany(l => l));
        // Every pixel of image i is i/255.
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(i => Enumerable.Repeat(i / 255f, 4)), epoch.Images.SelectMany(v => v));
    }

    [Fact]
    public void BatchesHaveTheDocumentedShapesAndTypes()
    {
        var loader = new BatchLoader(NumberedSplit(10), new ToFloat(), new BatchLoaderOptions { BatchSize = 4 });
        Assert.Equal(3, loader.BatchCount);
        Assert.Equal([[4L, 1, 2, 2], [4L, 1, 2, 2], [2L, 1, 2, 2]], Drain(loader.Epoch(0)).Shapes);
        using var batch = loader.Epoch(0).First();
        Assert.Equal(ScalarType.Float32, batch.Images.dtype);
        Assert.Equal(ScalarType.Int64, batch.Labels.dtype);
        Assert.Equal([4L], batch.Labels.shape);
    }

    [Fact]
    public void AnEpochLengthCutsAStreamOfShuffledPassesIntoWindows()
    {
        // 10 images in epochs of 4: epochs 0-4 together are exactly passes 0 and 1, each a permutation.
        var options = new BatchLoaderOptions { BatchSize = 3, Shuffle = true, Seed = 5, EpochLength = 4 };
        var loader = new BatchLoader(NumberedSplit(10), new ToFloat(), options);
        Assert.Equal(2, loader.BatchCount);
        var stream = Enumerable.Range(0, 5).SelectMany(loader.Order).ToArray();
        Assert.Equal(20, stream.Length);
        Assert.Equal(Enumerable.Range(0, 10), stream[..10].Order());
        Assert.Equal(Enumerable.Range(0, 10), stream[10..].Order());
        Assert.Equal(loader.Order(3), new BatchLoader(NumberedSplit(10), new ToFloat(), options).Order(3));
        Assert.Equal([3, 1], Drain(loader.Epoch(1)).Shapes.Select(s => (int)s[0]));

        // An epoch longer than the split repeats it; an epoch of the split's size is the plain shuffled pass.
        var longer = new BatchLoader(NumberedSplit(3), new ToFloat(), options with { EpochLength = 7 });
        Assert.Equal(7, longer.Order(0).Length);
        var plain = new BatchLoader(NumberedSplit(10), new ToFloat(), options with { EpochLength = null });
        Assert.Equal(plain.Order(2), new BatchLoader(NumberedSplit(10), new ToFloat(), options with { EpochLength = 10 }).Order(2));
    }

    [Fact]
    public void DropLastLeavesOutThePartialBatch()
    {
        var loader = new BatchLoader(NumberedSplit(10), new ToFloat(), new BatchLoaderOptions { BatchSize = 4, DropLast = true });
        Assert.Equal(2, loader.BatchCount);
        var epoch = Drain(loader.Epoch(0));
        Assert.Equal(2, epoch.Shapes.Count);
        Assert.All(epoch.Shapes, s => Assert.Equal(4, s[0]));
    }

    [Fact]
    public void ShuffleIsAPermutationFixedBySeedAndEpoch()
    {
        var options = new BatchLoaderOptions { BatchSize = 8, Shuffle = true, Seed = 11 };
        var loader = new BatchLoader(NumberedSplit(50), new ToFloat(), options);
        var epoch0 = Drain(loader.Epoch(0)).Indices.SelectMany(i => i).ToArray();
        Assert.Equal(Enumerable.Range(0, 50), epoch0.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), epoch0);
        Assert.Equal(loader.Order(0), epoch0);
        var again = new BatchLoader(NumberedSplit(50), new ToFloat(), options);
        Assert.Equal(epoch0, Drain(again.Epoch(0)).Indices.SelectMany(i => i));
        Assert.NotEqual(epoch0, Drain(loader.Epoch(1)).Indices.SelectMany(i => i));
    }

    [Fact]
    public void AnEpochFromABatchOnIsTheRestOfThatEpoch()
    {
        var split = Unbacked(NumberedSplit(30, size: 8));
        var pipeline = new Compose(new ToFloat(), Augmentation.OriginalDesign());
        var loader = new BatchLoader(split, pipeline, new BatchLoaderOptions { BatchSize = 4, Shuffle = true, Seed = 2, DropLast = true });
        var whole = Drain(loader.Epoch(3));
        var rest = Drain(loader.EpochFrom(3, 5));
        Assert.Equal(whole.Indices.Skip(5), rest.Indices);
        Assert.Equal(whole.Images.Skip(5), rest.Images);
        Assert.Empty(Drain(loader.EpochFrom(3, loader.BatchCount)).Indices);
    }

    [Fact]
    public void AugmentedBatchesDoNotDependOnTheNumberOfWorkers()
    {
        var split = Unbacked(NumberedSplit(30, size: 8));
        var pipeline = new Compose(new ToFloat(), Augmentation.OriginalDesign());
        var oneWorker = Drain(new BatchLoader(split, pipeline,
            new BatchLoaderOptions { BatchSize = 4, Shuffle = true, Seed = 2, Workers = 1 }).Epoch(3));
        var threeWorkers = Drain(new BatchLoader(split, pipeline,
            new BatchLoaderOptions { BatchSize = 4, Shuffle = true, Seed = 2, Workers = 3, Prefetch = 5 }).Epoch(3));
        Assert.Equal(oneWorker.Indices, threeWorkers.Indices);
        Assert.Equal(oneWorker.Images, threeWorkers.Images);
        var otherEpoch = Drain(new BatchLoader(split, pipeline,
            new BatchLoaderOptions { BatchSize = 4, Shuffle = true, Seed = 2, Workers = 1 }).Epoch(4));
        Assert.NotEqual(oneWorker.Images, otherEpoch.Images);
    }

    [Fact]
    public void GatheringFromATensorGivesTheSameBatchesAsReadingImageByImage()
    {
        var backing = NumberedSplit(20, size: 4);
        var subset = backing.Subset([19, 3, 7, 0, 12, 5, 8]);
        var pipeline = new Compose(new ToFloat(), new Resize(3, 3), new Normalize([0.5], [0.25]));
        var fast = new BatchLoader(subset, pipeline, new BatchLoaderOptions { BatchSize = 3 });
        var slow = new BatchLoader(Unbacked(subset), pipeline, new BatchLoaderOptions { BatchSize = 3 });
        Assert.True(fast.GathersWholeBatches);
        Assert.False(slow.GathersWholeBatches);
        Assert.False(new BatchLoader(subset, Augmentation.OriginalDesign()).GathersWholeBatches);
        var a = Drain(fast.Epoch(0));
        var b = Drain(slow.Epoch(0));
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Shapes, b.Shapes);
        for (int i = 0; i < a.Images.Count; i++)
            Assert.Equal(a.Images[i], b.Images[i], (x, y) => Math.Abs(x - y) < 1e-5f);
    }

    [Fact]
    public void BreakingOutEarlyStopsTheWorkersAndDisposesWhatTheyBuilt()
    {
        var loader = new BatchLoader(NumberedSplit(5000, size: 8), new ToFloat(),
            new BatchLoaderOptions { BatchSize = 16, Shuffle = true, Workers = 2, Prefetch = 4 });
        var enumerator = (PrefetchingEnumerator)loader.Epoch(0).GetEnumerator();
        WithinDeadline(() =>
        {
            Assert.True(enumerator.MoveNext());
            enumerator.Current.Dispose();
            // Let the workers fill their queues so that there is something to drain.
            SpinWait.SpinUntil(() => enumerator.BuiltBatches >= 3, Deadline);
            enumerator.Dispose();
            return 0;
        });
        Assert.Equal(0, enumerator.RunningWorkers);
        Assert.Equal(1, enumerator.HandedOutBatches);
        Assert.Equal(enumerator.BuiltBatches - 1, enumerator.DiscardedBatches);
        Assert.True(enumerator.BuiltBatches < loader.BatchCount);
    }

    [Fact]
    public void BreakInAForeachReturnsPromptly()
    {
        var loader = new BatchLoader(NumberedSplit(5000), new ToFloat(), new BatchLoaderOptions { BatchSize = 8 });
        int seen = WithinDeadline(() =>
        {
            int count = 0;
            foreach (var batch in loader.Epoch(0))
            {
                batch.Dispose();
                if (++count == 1) break;
            }
            return count;
        });
        Assert.Equal(1, seen);
    }

    [Fact]
    public void AWorkerFailureSurfacesOnTheBatchConcerned()
    {
        var split = FromFunction(Enumerable.Repeat(0, 12).ToArray(), index => index == 5
            ? throw new InputException("image 5 is corrupt")
            : torch.zeros([1, 2, 2], ScalarType.Byte), new ImageShape(1, 2, 2));
        var loader = new BatchLoader(split, new ToFloat(), new BatchLoaderOptions { BatchSize = 2, Workers = 2 });
        var error = WithinDeadline(() =>
        {
            var handedOut = new List<int>();
            var thrown = Record.Exception(() =>
            {
                foreach (var batch in loader.Epoch(0))
                    using (batch) handedOut.AddRange(batch.Indices);
            });
            Assert.Equal([0, 1, 2, 3], handedOut);
            return thrown;
        });
        Assert.IsType<InputException>(error);
        Assert.Equal("image 5 is corrupt", error.Message);
    }

    [Fact]
    public void CancellingStopsTheWaitForTheNextBatch()
    {
        using var cancel = new CancellationTokenSource();
        var loader = new BatchLoader(NumberedSplit(100), new ToFloat(), new BatchLoaderOptions { BatchSize = 4 });
        var error = WithinDeadline(() => Record.Exception(() =>
        {
            foreach (var batch in loader.Epoch(0, cancel.Token))
            {
                batch.Dispose();
                cancel.Cancel();
            }
        }));
        Assert.IsAssignableFrom<OperationCanceledException>(error);
    }

    [Fact]
    public void APipelineWithoutToFloatIsReported()
    {
        var loader = new BatchLoader(NumberedSplit(4), new CenterCrop(2), new BatchLoaderOptions { BatchSize = 2 });
        var error = WithinDeadline(() => Record.Exception(() => loader.Epoch(0).First().Dispose()));
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("ToFloat", error.Message);
    }

    [Fact]
    public void ImagesOfDifferentSizesNeedAResize()
    {
        var split = FromFunction([0, 1], index => torch.zeros([1, 2 + index, 2], ScalarType.Byte), new ImageShape(1, 2, 2));
        var error = WithinDeadline(() => Record.Exception(() => BatchLoader.Batches(split, new ToFloat(), 2).First().Dispose()));
        Assert.IsType<InputException>(error);
        using var batch = BatchLoader.Batches(split, new Compose(new Resize(3, 3), new ToFloat()), 2).Single();
        Assert.Equal([2L, 1, 3, 3], batch.Images.shape);
    }

    [Fact]
    public void SynchronousBatchesCoverTheSplitInOrder()
    {
        var batches = BatchLoader.Batches(NumberedSplit(7), new ToFloat(), 3).ToList();
        try
        {
            Assert.Equal([3, 3, 1], batches.Select(b => b.Count));
            Assert.Equal(Enumerable.Range(0, 7), batches.SelectMany(b => b.Indices));
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void ABatchCanBeHandedToADisposeScope()
    {
        var batch = BatchLoader.Batches(NumberedSplit(2), new ToFloat(), 2).Single();
        using (var scope = torch.NewDisposeScope()) Assert.Same(batch, batch.AttachTo(scope));
        Assert.True(batch.Images.IsInvalid);
        Assert.True(batch.Labels.IsInvalid);
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        var split = NumberedSplit(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(split, new ToFloat(), new BatchLoaderOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(split, new ToFloat(), new BatchLoaderOptions { Workers = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchLoader.Batches(split, new ToFloat(), 0));
    }
}
