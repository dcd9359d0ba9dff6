using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models;

/// <summary>
/// ResNet-18/34/50 and VGG-16 from TorchVision as feature extractors: the network up to and including its
/// pooling, without the classifier. The parts keep TorchVision's names, so the backbone's state-dict keys are
/// exactly torchvision's (minus <c>fc.</c> / <c>classifier.</c>) and PyTorch weight files load unchanged.
/// </summary>
internal static class TorchVisionBackbones
{
    const string Licence = "BSD-3-Clause (code); weights: per source";
    const string UserWeights = "--weights FILE or --from-scratch";

    static readonly string[] ResNetParts = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "flatten"];

    public static IEnumerable<BackboneSpec> All()
    {
        yield return ResNet("resnet18", () => torchvision.models.resnet18(), 512);
        yield return ResNet("resnet34", () => torchvision.models.resnet34(), 512);
        yield return ResNet("resnet50", () => torchvision.models.resnet50(), 2048);
        yield return Vgg16();
    }

    static BackboneSpec ResNet(string name, Func<Module<Tensor, Tensor>> create, int features) => new(
        name,
        () => Keep(create(), ResNetParts, extra: []),
        CreatePretrained: null,
        UserWeights,
        Preprocessing.ImageNet,
        new BackboneMeta("torchvision.models." + name + " (He et al. 2016), via TorchSharp's TorchVision", Licence),
        features,
        [
            new BackboneStage("stem", ["conv1.", "bn1."]),
            new BackboneStage("layer1", ["layer1."]),
            new BackboneStage("layer2", ["layer2."]),
            new BackboneStage("layer3", ["layer3."]),
            new BackboneStage("layer4", ["layer4."]),
        ],
        FirstConv: "conv1",
        ClassifierPrefixes: ["fc."]);

    /// <summary>
    /// VGG-16's convolutional part followed by global average pooling (512 features), instead of its 7×7 pooling
    /// and fully connected classifier: that keeps the feature size independent of the input size.
    /// </summary>
    static BackboneSpec Vgg16() => new(
        "vgg16",
        () => Keep(torchvision.models.vgg16(), ["features"], extra: [("pool", AdaptiveAvgPool2d(1)), ("flatten", Flatten())]),
        CreatePretrained: null,
        UserWeights,
        Preprocessing.ImageNet,
        new BackboneMeta("torchvision.models.vgg16 (Simonyan & Zisserman 2015), via TorchSharp's TorchVision", Licence),
        512,
        [
            // The convolutions of each block, by their index in torchvision's `features` Sequential.
            new BackboneStage("block1", ["features.0.", "features.2."]),
            new BackboneStage("block2", ["features.5.", "features.7."]),
            new BackboneStage("block3", ["features.10.", "features.12.", "features.14."]),
            new BackboneStage("block4", ["features.17.", "features.19.", "features.21."]),
            new BackboneStage("block5", ["features.24.", "features.26.", "features.28."]),
        ],
        FirstConv: "features.0",
        ClassifierPrefixes: ["classifier."]);

    /// <summary>The named children of <paramref name="model"/> (in the given order), then <paramref name="extra"/>, run in sequence.</summary>
    static Module<Tensor, Tensor> Keep(Module<Tensor, Tensor> model, string[] parts, (string, Module<Tensor, Tensor>)[] extra)
    {
        var children = model.named_children().ToDictionary(c => c.name, c => c.module);
        var kept = parts.Select(p => (p, children.TryGetValue(p, out var m) && m is Module<Tensor, Tensor> typed
            ? typed
            : throw new InvalidOperationException($"TorchVision's {model.GetName()} has no part '{p}'"))).Concat(extra).ToArray();
        return new ScopedSequential(kept);
    }
}
