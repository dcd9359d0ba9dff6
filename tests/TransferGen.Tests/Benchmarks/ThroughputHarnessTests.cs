using TorchSharp;
using TransferGen.Benchmarks;
using static TorchSharp.torch;

namespace TransferGen.Tests.Benchmarks;

/// <summary>The harness's bookkeeping, with a fake clock that each fake step advances by a scripted amount.</summary>
public class ThroughputHarnessTests
{
    sealed class FakeClock : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => 1000;
        public override long GetTimestamp() => Ticks;
    }

    sealed class FakeWorkload(string name, int batch, FakeClock clock, params double[] stepSeconds) : IThroughputWorkload
    {
        public readonly List<Tensor> Made = [];
        public readonly List<int> ThreadsSeen = [];
        public int Steps;
        public List<string>? Log;
        public string Name => name;
        public int BatchSize => batch;

        public void Step()
        {
            Made.Add(torch.ones(3));   // left to the harness's scope
            ThreadsSeen.Add(torch.get_num_threads());
            Log?.Add(name);
            clock.Ticks += (long)(stepSeconds[Steps++] * 1000);
        }

        public void Dispose() { }
    }

    [Fact]
    public void Warmup_steps_are_not_timed_and_the_median_gives_images_per_second()
    {
        var clock = new FakeClock();
        // Two slow warm-up steps, then five timed ones whose median is 0.2 s.
        var workload = new FakeWorkload("fake", 32, clock, 5, 3, 0.3, 0.1, 0.2, 0.25, 0.15);
        var result = new ThroughputHarness(clock).Measure(workload, warmup: 2, repeats: 5);

        Assert.Equal(7, workload.Steps);
        Assert.Equal([0.3, 0.1, 0.2, 0.25, 0.15], result.Seconds.Select(s => Math.Round(s, 6)));
        Assert.Equal(0.2, result.MedianSeconds, 9);
        Assert.Equal(160.0, result.ImagesPerSecond, 6);
        Assert.Equal(("fake", "default", 32), (result.Name, result.Variant, result.BatchSize));
        // Every tensor a step left behind was freed by that step's scope.
        Assert.All(workload.Made, t => Assert.True(t.IsInvalid));
    }

    [Fact]
    public void Interleaving_runs_variants_round_robin_with_their_threads_and_restores_the_thread_count()
    {
        var clock = new FakeClock();
        var log = new List<string>();
        var a = new FakeWorkload("a", 10, clock, 1, 1, 1) { Log = log };
        var b = new FakeWorkload("b", 10, clock, 9, 2, 4) { Log = log };
        var before = torch.get_num_threads();

        var results = new ThroughputHarness(clock).MeasureInterleaved(
            [new BenchmarkCandidate("default", a), new BenchmarkCandidate("one thread", b, Threads: 1)], warmup: 1, repeats: 2);

        Assert.Equal(["a", "b", "a", "b", "a", "b"], log);
        Assert.All(b.ThreadsSeen, t => Assert.Equal(1, t));
        Assert.All(a.ThreadsSeen, t => Assert.Equal(before, t));
        Assert.Equal(before, torch.get_num_threads());
        Assert.Equal(3.0, results[1].MedianSeconds, 9);
        Assert.Equal("one thread", results[1].Variant);
    }
}
