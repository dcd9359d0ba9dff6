using TorchSharp;
using TransferGen.Interop.Onnx;
using TransferGen.Models;
using static TorchSharp.torch;

namespace TransferGen.Tests.Models;

public class ImageNetBackboneTests
{
    [Fact]
    public void The_registry_offers_the_shipped_imagenet_resnet18_with_its_preprocessing()
    {
        var spec = BackboneRegistry.Get("resnet18-imagenet");
        Assert.NotNull(spec.CreatePretrained);
        Assert.Equal(ChannelOrder.Bgr, spec.Preprocessing.Order);
        Assert.Equal(255, spec.Preprocessing.PixelScale);
        Assert.Equal(ResNet18ImageNet.ChannelMeanBgr.Select(m => (double)m), spec.Preprocessing.Mean);
        Assert.Equal(512, spec.FeatureDim);
        Assert.Equal(32, spec.InputSizeMultiple);
    }

    [Fact]
    public void Stages_cover_every_parameter_once_in_forward_order()
    {
        var spec = BackboneRegistry.Get("resnet18-imagenet");
        Assert.Equal(["stem", "layer1", "layer2", "layer3", "layer4"], spec.Stages.Select(s => s.Name));
        using var module = spec.CreatePretrained!();
        var names = module.named_parameters().Select(p => p.name).ToList();
        foreach (var name in names)
            Assert.Single(spec.Stages, s => s.Contains(name));
        // The first conv is in the stem and the last block's convolutions in layer4.
        Assert.True(spec.Stages[0].Contains("Convolution249.weight"));
        Assert.True(spec.Stages[4].Contains("Convolution387.weight"));
        // Three blocks in the last stage: 3 × 2 convolutions with their BatchNorms, + 1 projection.
        var layer4Convs = names.Count(n => n.StartsWith("Convolution", StringComparison.Ordinal) && n.EndsWith(".weight") && spec.Stages[4].Contains(n));
        Assert.Equal(7, layer4Convs);
    }

    [Fact]
    public void From_scratch_has_the_same_architecture_with_different_weights()
    {
        var spec = BackboneRegistry.Get("resnet18-imagenet");
        using var scope = NewDisposeScope();
        torch.manual_seed(0);
        using var pretrained = spec.CreatePretrained!();
        using var scratch = spec.CreateArchitecture();
        var a = pretrained.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var b = scratch.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.All(a, kv => Assert.Equal(kv.Value.shape, b[kv.Key].shape));
        Assert.False(a["Convolution249.weight"].allclose(b["Convolution249.weight"]));
        scratch.eval();
        Assert.Equal([2L, 512L], scratch.call(torch.randn(2, 3, 64, 64)).shape);
    }
}
