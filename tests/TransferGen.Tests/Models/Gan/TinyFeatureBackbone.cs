using TorchSharp;
using TransferGen.Data;
using TransferGen.Models;
using TransferGen.Models.Gan;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Tests.Models.Gan;

/// <summary>
/// A random-weights stand-in for the ImageNet ResNet18 in pretrained-feature discriminator tests: parts run in order
/// like TorchVision's ResNets (stem conv1/bn1/relu, layer1, layer2, pooling), each stride 2, 8/16/32 channels. Its
/// "built-in weights" are drawn from a fixed seed with a private generator, so every build (in any process) is the same.
/// </summary>
internal static class TinyFeatureBackbone
{
    public const string Name = "tiny-feature-test";

    public static BackboneSpec Register()
    {
        var spec = new BackboneSpec(Name, () => Build(seed: null), () => Build(seed: 11), "seeded random (test)",
            Preprocessing.ImageNet with { NativeSize = 32 }, new BackboneMeta("tests", "none"), 32,
            [new BackboneStage("stem", ["conv1.", "bn1."]), new BackboneStage("layer1", ["layer1."]), new BackboneStage("layer2", ["layer2."])],
            "conv1", ["fc."]);
        BackboneRegistry.Register(spec);
        return spec;
    }

    static Module<Tensor, Tensor> Build(int? seed)
    {
        var net = new ScopedSequential([
            ("conv1", Conv2d(3, 8, 3, stride: 2, padding: 1)),
            ("bn1", BatchNorm2d(8)),
            ("relu", ReLU()),
            ("layer1", Sequential(Conv2d(8, 16, 3, stride: 2, padding: 1), BatchNorm2d(16), ReLU())),
            ("layer2", Sequential(Conv2d(16, 32, 3, stride: 2, padding: 1), BatchNorm2d(32), ReLU())),
            ("pool", AdaptiveAvgPool2d(1)),
            ("flatten", Flatten()),
        ]);
        if (seed is int s)
        {
            using var rng = new Generator((ulong)s);
            using var noGrad = no_grad();
            foreach (var (_, p) in net.named_parameters())
            {
                using var values = randn(p.shape, generator: rng).mul_(0.3);
                p.copy_(values);
            }
            foreach (var (name, b) in net.named_buffers())
                if (name.EndsWith("running_var", StringComparison.Ordinal)) b.fill_(0.5);
        }
        return net;
    }

    /// <summary>GAN options with a resolved pretrained-feature discriminator on this stand-in.</summary>
    public static GanOptions Options(int resolution = 32, string[]? stages = null, long seed = 5)
    {
        var spec = Register();
        var projected = new ProjectedDiscriminatorOptions { DBackbone = Name, DResolution = resolution, DStages = stages ?? ["stem", "layer1", "layer2"] };
        return new GanOptions { Ndf = 8, Projected = projected.Resolve(spec, seed) };
    }

    /// <summary>A discriminator on this stand-in for <paramref name="shape"/> (default 1×32×32), conditional when <paramref name="classes"/> is given.</summary>
    public static ProjectedDiscriminator Discriminator(ImageShape? shape = null, int? classes = null, long seed = 5, int resolution = 32) =>
        new(shape ?? new ImageShape(1, 32, 32), classes, Options(resolution, seed: seed));
}
