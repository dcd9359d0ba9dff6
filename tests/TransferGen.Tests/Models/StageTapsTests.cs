using TorchSharp;
using TransferGen.Data;
using TransferGen.Interop.Onnx;
using TransferGen.Models;
using TransferGen.Models.Gan;
using TransferGen.Tests.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Models;

/// <summary>Stage taps on the real ImageNet ResNet18 (the ONNX graph) and on a sequential stand-in.</summary>
public class StageTapsTests
{
    [Fact]
    public void Resnet18_imagenet_taps_are_the_stage_outputs_of_the_full_network()
    {
        var spec = BackboneRegistry.Get("resnet18-imagenet");
        using var full = spec.CreatePretrained!();
        full.eval();
        using var taps = StageTaps.Create(spec, spec.CreatePretrained!(), ["layer1", "layer2", "layer3", "layer4"]);
        Assert.Equal([[64L, 16, 16], [128L, 8, 8], [256L, 4, 4], [512L, 2, 2]], taps.ProbeShapes(3, 64));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = ResNet18ImageNet.Preprocess(rand(2, 3, 64, 64));
        var maps = taps.Forward(x);
        // The last tap, pooled, is exactly what the whole network outputs: the taps are the right values of the graph.
        var pooled = maps[3].mean([2, 3]);
        var features = full.call(x);
        Assert.True(pooled.allclose(features, rtol: 1e-4, atol: 1e-5), $"max difference {(pooled - features).abs().max().item<float>()}");
        Assert.All(maps, m => Assert.True(m.min().item<float>() >= 0));   // each stage ends with a ReLU
        // Only what is tapped is computed: tapping layer1 alone gives the same layer1 map.
        using var early = StageTaps.Create(spec, spec.CreatePretrained!(), ["layer1"]);
        Assert.True(ProjectedDiscriminatorTests.Same(early.Forward(x)[0], maps[0]));
    }

    [Fact]
    public void Resnet18_imagenet_discriminator_prepares_images_as_the_classifier_pipeline_does()
    {
        var spec = BackboneRegistry.Get("resnet18-imagenet");
        var projected = new ProjectedDiscriminatorOptions { DResolution = 64 }.Resolve(spec, 1);
        Assert.Equal(FrozenBackboneWeights.Registry, projected.Weights);
        torch.manual_seed(0);
        using var d = new ProjectedDiscriminator(new ImageShape(1, 32, 32), null, new GanOptions { Projected = projected });
        using var colour = new ProjectedDiscriminator(new ImageShape(3, 32, 32), null, new GanOptions { Projected = projected });
        Assert.All(d.Backbone.parameters(), p => Assert.False(p.requires_grad));

        using var scope = NewDisposeScope();
        var rgb = rand(2, 3, 32, 32);   // in [0, 1]
        var upsampled = nn.functional.interpolate(rgb, [64, 64], mode: InterpolationMode.Bilinear, align_corners: false);
        var expected = ResNet18ImageNet.Preprocess(upsampled);   // BGR, 0..255, minus the channel means
        var prepared = colour.PrepareInput(rgb.mul(2).sub(1));
        Assert.True(prepared.allclose(expected, rtol: 1e-4, atol: 1e-3), $"max difference {(prepared - expected).abs().max().item<float>()}");

        // Gray images are replicated: the same as an RGB image whose channels are all that gray.
        var gray = rand(2, 1, 32, 32);
        Assert.True(d.PrepareInput(gray.mul(2).sub(1)).allclose(colour.PrepareInput(gray.expand(-1, 3, -1, -1).mul(2).sub(1)), atol: 1e-3));

        var images = rand(2, 1, 32, 32).mul(2).sub(1).requires_grad_(true);
        var (logit, _) = d.Forward(images);
        Assert.Equal([2L], logit.shape);
        logit.sum().backward();
        Assert.True(images.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void A_sequential_backbone_is_cut_at_its_named_parts()
    {
        var spec = TinyFeatureBackbone.Register();
        using var taps = StageTaps.Create(spec, spec.CreatePretrained!(), ["stem", "layer2"]);
        Assert.Equal([[8L, 16, 16], [32L, 4, 4]], taps.ProbeShapes(3, 32));
        Assert.True(taps.IsUsed("layer2.0.weight"));
        using var shallow = StageTaps.Create(spec, spec.CreatePretrained!(), ["stem"]);
        Assert.False(shallow.IsUsed("layer1.0.weight"));
        Assert.True(shallow.IsUsed("bn1.running_var"));
        var e = Assert.Throws<InputException>(() => StageTaps.Create(spec, spec.CreatePretrained!(), ["layer7"]));
        Assert.Contains("no stage 'layer7'", e.Message);
    }
}
