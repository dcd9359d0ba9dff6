using TorchSharp;
using TransferGen.Interop.Onnx;
using TransferGen.Models;
using static TorchSharp.torch;

namespace TransferGen.Tests.Models;

public class ImageNetFeatureExtractorTests
{
    [Fact]
    public void Preprocess_at_native_size_matches_the_shipped_preprocessing_graph()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var images = torch.rand(2, 3, 224, 224);
        using var graph = ResNet18ImageNet.LoadPreprocess();
        graph.eval();
        var expected = graph.call(images.mul(255));
        var actual = ResNet18ImageNet.Preprocess(images);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-3), "Preprocess should equal ResNetPreprocess.onnx at 224×224");
    }

    [Fact]
    public void Grey_images_give_the_same_features_as_their_rgb_replica_at_any_size()
    {
        using var scope = NewDisposeScope();
        using var extractor = new ImageNetFeatureExtractor(size: 64);
        torch.manual_seed(4);
        var grey = torch.rand(3, 1, 28, 28);
        var a = extractor.Extract(grey);
        var b = extractor.Extract(grey.expand(-1, 3, -1, -1));
        Assert.Equal([3L, 512L], a.shape);
        Assert.True(a.allclose(b, atol: 1e-5));
        Assert.Contains("64", extractor.Name);
    }
}
