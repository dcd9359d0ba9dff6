using System.Collections;
using TorchSharp;
using TransferGen.Interop.Onnx;
using static TorchSharp.torch;

namespace TransferGen.Models;

/// <summary>
/// Backbones whose ImageNet weights ship with TransferGen: <c>resnet18-imagenet</c>, the ResNet18 of the
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 package imported from ONNX (see <see cref="ResNet18ImageNet"/>).
/// </summary>
internal static class ImageNetBackbones
{
    /// <summary>Residual blocks per stage in that file (its last stage has three, unlike torchvision's two).</summary>
    static readonly int[] BlocksPerStage = [2, 2, 2, 3];

    public static BackboneSpec ResNet18() => new(
        "resnet18-imagenet",
        CreateArchitecture: () => Reinitialize(ForFineTuning(ResNet18ImageNet.Load())),
        CreatePretrained: () => ForFineTuning(ResNet18ImageNet.Load()),
        "ImageNet weights shipped in NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (no download)",
        new Preprocessing(ChannelOrder.Bgr, 255, [.. ResNet18ImageNet.ChannelMeanBgr.Select(m => (double)m)], [1, 1, 1],
            ResNet18ImageNet.NativeSize),
        new BackboneMeta("Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (ResNet18.onnx, ImageNet, exported from CNTK)", "MIT"),
        ResNet18ImageNet.FeatureCount,
        new LazyList<BackboneStage>(Stages),
        FirstConv: "Convolution249",
        ClassifierPrefixes: [])
    {
        // Its stride-2 convolutions pad asymmetrically, so residual branches only line up on even maps at every stage.
        InputSizeMultiple = 32,
    };

    /// <summary>
    /// Cuts the imported graph into stem + layer1..layer4 in node order: the stem ends at the max-pool, and each later
    /// stage ends with the residual Add of its last block.
    /// </summary>
    static IReadOnlyList<BackboneStage> Stages()
    {
        using var module = ResNet18ImageNet.Load();
        var stageEnds = BlocksPerStage.Select((_, i) => BlocksPerStage.Take(i + 1).Sum()).ToHashSet(); // adds 2, 4, 6, 9
        var stages = new List<List<string>> { new() };
        var adds = 0;
        foreach (var node in module.Nodes)
        {
            if (node.ModuleName is { } name) stages[^1].Add(name + ".");
            var endsStage = node.OpType == "MaxPool" || (node.OpType == "Add" && stageEnds.Contains(++adds));
            if (endsStage) stages.Add(new List<string>());
        }
        return stages.Where(prefixes => prefixes.Count > 0)
            .Select((prefixes, i) => new BackboneStage(i == 0 ? "stem" : $"layer{i}", prefixes)).ToList();
    }

    /// <summary>
    /// The file's BatchNorm momentum (0.988 in ONNX terms, 0.012 in torch's) suits its original ImageNet training; on a
    /// small target set the running statistics would barely move in a whole fine-tune (and a from-scratch run would
    /// evaluate with statistics that never left 0/1), so training uses torch's usual 0.1.
    /// </summary>
    static OnnxModule ForFineTuning(OnnxModule module)
    {
        foreach (var (_, child) in module.named_modules())
            if (child is TorchSharp.Modules.BatchNorm2d bn) bn.momentum = 0.1;
        return module;
    }

    /// <summary>Random initialisation of the same architecture (the honest from-scratch baseline): He-normal convolutions,
    /// unit BatchNorm with zeroed statistics.</summary>
    static nn.Module<Tensor, Tensor> Reinitialize(OnnxModule module)
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case TorchSharp.Modules.Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    if (conv.bias is { } bias) bias.zero_();
                    break;
                case TorchSharp.Modules.BatchNorm2d bn:
                    bn.weight?.fill_(1);
                    bn.bias?.zero_();
                    bn.running_mean?.zero_();
                    bn.running_var?.fill_(1);
                    break;
            }
        }
        return module;
    }

    /// <summary>A list computed on first use (the stages need the model file, which listing backbones should not load).</summary>
    sealed class LazyList<T>(Func<IReadOnlyList<T>> compute) : IReadOnlyList<T>
    {
        readonly Lazy<IReadOnlyList<T>> _items = new(compute);
        public T this[int index] => _items.Value[index];
        public int Count => _items.Value.Count;
        public IEnumerator<T> GetEnumerator() => _items.Value.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
