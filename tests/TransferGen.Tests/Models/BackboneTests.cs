using TorchSharp;
using TorchSharp.PyBridge;
using TransferGen.Models;
using TransferGen.Tests.Data;
using static TorchSharp.torch;

namespace TransferGen.Tests.Models;

public class BackboneTests
{
    [Fact]
    public void The_registry_lists_the_torchvision_backbones_and_rejects_unknown_names()
    {
        var names = BackboneRegistry.All.Select(s => s.Name).ToList();
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "resnet18", "resnet34", "resnet50", "vgg16" });
        var e = Assert.Throws<InputException>(() => BackboneRegistry.Get("resnet9000"));
        Assert.Contains("resnet18", e.Message);
    }

    [Fact]
    public void A_resnet18_backbone_has_torchvision_keys_without_the_classifier()
    {
        using var backbone = BackboneRegistry.Get("resnet18").CreateArchitecture();
        var state = backbone.state_dict();
        Assert.Equal([64, 3, 7, 7], state["conv1.weight"].shape);
        Assert.Contains("layer4.1.bn2.running_var", state.Keys);
        Assert.DoesNotContain(state.Keys, k => k.StartsWith("fc.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(3, GrayscaleMode.Replicate)]
    [InlineData(1, GrayscaleMode.Adapt)]
    public void A_from_scratch_resnet18_classifier_gives_logits_for_32px_images(int channels, GrayscaleMode gray)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = Backbones.CreateClassifier(BackboneRegistry.Get("resnet18"), WeightsChoice.Scratch, null, 5, channels, gray);
        model.eval();
        using var _ = no_grad();
        var logits = model.call(randn(2, channels, 32, 32));
        Assert.Equal([2, 5], logits.shape);
    }

    [Fact]
    public void Adapting_the_first_conv_to_gray_equals_replicating_the_gray_channel()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var spec = BackboneRegistry.Get("resnet18");
        using var rgb = spec.CreateArchitecture();
        using var gray = spec.CreateArchitecture();
        gray.load_state_dict(rgb.state_dict());
        FirstConvAdapter.ToSingleChannel(gray, spec.FirstConv);
        rgb.eval();
        gray.eval();
        using var _ = no_grad();
        var x = rand(2, 1, 32, 32);
        var expected = rgb.call(cat([x, x, x], 1));
        var actual = gray.call(x);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5), $"max difference {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void A_pytorch_state_dict_round_trips_and_a_wrong_shape_names_the_file_and_key()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        var spec = BackboneRegistry.Get("resnet18");
        manual_seed(3);
        using var source = spec.CreateArchitecture();
        var file = folder["resnet18.pt"];
        source.save_py(file);
        using var target = spec.CreateArchitecture();
        WeightsFile.Load(target, file, spec);
        Assert.True(target.state_dict()["layer3.0.conv2.weight"].allclose(source.state_dict()["layer3.0.conv2.weight"], rtol: 0, atol: 0));

        var safetensors = folder["resnet18.safetensors"];
        source.save_safetensors(safetensors);
        using var fromSafetensors = spec.CreateArchitecture();
        WeightsFile.Load(fromSafetensors, safetensors, spec);
        Assert.True(fromSafetensors.state_dict()["bn1.running_mean"].allclose(source.state_dict()["bn1.running_mean"], rtol: 0, atol: 0));

        using var wrong = nn.Sequential(("conv1", nn.Conv2d(3, 32, 3, bias: false)));
        var wrongFile = folder["wrong.pth"];
        wrong.save_py(wrongFile);
        using var victim = spec.CreateArchitecture();
        var e = Assert.Throws<InputException>(() => WeightsFile.Load(victim, wrongFile, spec));
        Assert.Contains(wrongFile, e.Message);
        Assert.Contains("conv1.weight", e.Message);
    }
}
