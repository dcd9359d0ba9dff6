using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Metrics;
using TransferGen.Scoring;
using TransferGen.Tests.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Scoring;

public class GanEvaluationTests
{
    /// <summary>Pixel features that remember whether they were disposed.</summary>
    sealed class DisposalProbe : IFeatureExtractor
    {
        readonly PixelFeatures _pixels = new();
        public int Dim => _pixels.Dim;
        public string Name => "disposal-probe";
        public bool Disposed { get; private set; }
        public Tensor Extract(Tensor images) => _pixels.Extract(images);
        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void The_extractor_it_creates_is_disposed()
    {
        var probe = new DisposalProbe();
        var network = new FeatureNetwork("disposal-probe", PixelFeatures.InputSize, FeatureExtractors.BilinearAntialiased, "test", () => probe);
        var (g, d) = TinyGan.Create("dcgan", new ImageShape(1, 28, 28));
        using (g)
        using (d)
        {
            var report = GanEvaluation.Evaluate(g, "tiny", "fashion-mnist", network, count: 8, kidSubsets: 2);
            Assert.Equal(8, report.Generated.A.Count);
        }
        Assert.True(probe.Disposed);
    }
}
