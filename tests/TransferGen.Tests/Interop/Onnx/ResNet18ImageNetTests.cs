using TorchSharp;
using TransferGen.Interop.Onnx;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TransferGen.Tests.Interop.Onnx;

/// <summary>One import of the real ResNet18, shared by the tests below (importing takes about a second).</summary>
public sealed class ResNet18Fixture : IDisposable
{
    public OnnxModule Module { get; } = ResNet18ImageNet.Load();

    public void Dispose() => Module.Dispose();
}

/// <summary>The ImageNet ResNet18 from the ML.NET package, imported and checked against ONNX Runtime.</summary>
public sealed class ResNet18ImageNetTests(ResNet18Fixture fixture, ITestOutputHelper output) : IClassFixture<ResNet18Fixture>
{
    [Fact]
    public void MatchesOnnxRuntimeAt224()
    {
        using var scope = NewDisposeScope();
        var model = fixture.Module;
        model.eval();
        // Pixels as the network expects them: BGR in 0..255 minus the channel means.
        var generator = new Generator(42);
        using var mean = tensor(ResNet18ImageNet.ChannelMeanBgr.ToArray()).reshape(1, 3, 1, 1);
        var input = rand([3, 3, 224, 224], generator: generator) * 255 - mean;

        Tensor ours;
        using (no_grad()) ours = model.forward(input);
        Assert.Equal([3L, ResNet18ImageNet.FeatureCount], ours.shape);

        // The file fixes the batch at 1, so ORT sees one image at a time.
        using var session = OrtReference.Session(File.ReadAllBytes(ResNet18ImageNet.ModelPath));
        var reference = cat(Enumerable.Range(0, 3).Select(i => OrtReference.Run(session, input[i..(i + 1)]).flatten(1)).ToList(), 0);
        var (diff, magnitude) = OrtReference.Compare(ours, reference);
        output.WriteLine($"ResNet18 vs ORT at 224×224: max |diff| = {diff:G3}, max |output| = {magnitude:G3}");
        Assert.True(diff <= 1e-4 * magnitude, $"max |ours - ORT| = {diff:G3} for outputs up to {magnitude:G3}");
    }

    [Fact]
    public void HasTheFilesParametersAndTrainsAt64()
    {
        using var scope = NewDisposeScope();
        var model = fixture.Module;
        long parameters = model.parameters().Sum(p => p.numel());
        output.WriteLine($"trainable parameters: {parameters}");
        Assert.InRange(parameters, 15_800_000, 16_000_000);

        // The first node is the 7×7 stem convolution; gradients must reach it through the whole network.
        var first = model.Nodes[0];
        Assert.Equal("Conv", first.OpType);
        var weight = model.get_parameter($"{first.ModuleName}.weight")!;
        Assert.Equal([64L, 3, 7, 7], weight.shape);

        model.train();
        try
        {
            var input = randn(2, 3, 64, 64) * 50;
            var features = model.forward(input);
            Assert.Equal([2L, 512], features.shape);
            features.square().mean().backward();
            Assert.NotNull(weight.grad);
            Assert.True(weight.grad!.abs().sum().item<float>() > 0);
        }
        finally
        {
            model.zero_grad();
            model.eval();
        }
    }

    [Fact]
    public void MeanImageIsBgrAndItsChannelMeansAreExposed()
    {
        using var image = ResNet18ImageNet.LoadMeanImage();
        Assert.Equal([3L, 224, 224], image.shape);
        var means = ResNet18ImageNet.ChannelMeanBgr;
        Assert.Equal(3, means.Count);
        // BGR order: blue's ImageNet mean is the smallest, red's the largest.
        Assert.InRange(means[0], 102.5f, 103.5f);
        Assert.InRange(means[1], 115.5f, 116.5f);
        Assert.InRange(means[2], 122.5f, 123.5f);
    }

    [Fact]
    public void PreprocessingGraphMatchesOnnxRuntime()
    {
        var bytes = File.ReadAllBytes(ResNet18ImageNet.PreprocessPath);
        OrtReference.AssertMatches(bytes, [1, 3, 224, 224]);
        using var module = ResNet18ImageNet.LoadPreprocess();
        Assert.Contains(module.named_buffers(), b => b.name.EndsWith("MeanImage", StringComparison.Ordinal));
    }
}
