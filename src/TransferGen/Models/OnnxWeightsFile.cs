using TorchSharp;
using TorchSharp.Modules;
using TransferGen.Interop.Onnx;
using static TorchSharp.torch;

namespace TransferGen.Models;

/// <summary>
/// Loads an ONNX export of a network (e.g. <c>torch.onnx.export(torchvision.models.resnet18(...))</c>) into a
/// backbone of the same architecture. Exporters rename initializers ("onnx::Conv_193") and, in eval mode, fold
/// each BatchNorm into the convolution before it, so names cannot be matched. Instead the file is imported and its
/// layers are paired with the architecture's in forward order: convolution with convolution (same weight shape),
/// BatchNorm with BatchNorm. A folded BatchNorm becomes an identity BatchNorm (unit scale, zero mean, variance
/// 1 − ε) carrying the folded bias, which computes exactly what the file computes as long as the statistics are kept
/// (the fine-tuning default). Layers the file has after the last convolution (its classifier) are ignored. Finally
/// the backbone is run next to the imported graph on one random image and must give the same features.
/// </summary>
internal static class OnnxWeightsFile
{
    /// <summary>Features may differ by this fraction of their largest magnitude (float32 rounding in deep nets).</summary>
    const double Tolerance = 1e-4;

    /// <summary>Loads the ONNX model at <paramref name="path"/> into <paramref name="backbone"/> (built by <paramref name="spec"/>).</summary>
    /// <returns>How many of the architecture's BatchNorm layers came folded into a convolution.</returns>
    public static int Load(nn.Module<Tensor, Tensor> backbone, string path, BackboneSpec spec)
    {
        using var file = OnnxModule.Load(path, new OnnxImportOptions { GlobalizeFinalPool = false });
        var children = file.named_children().ToDictionary(c => c.name, c => c.module);
        var fileLayers = file.Nodes
            .Where(n => n.ModuleName is not null && children[n.ModuleName] is Conv2d or BatchNorm2d)
            .Select(n => (n.Name, Module: children[n.ModuleName!]))
            .ToList();
        var archLayers = backbone.named_modules()
            .Where(m => m.module is Conv2d or BatchNorm2d)
            .Select(m => (m.name, m.module))
            .ToList();

        int folded = 0, f = 0;
        using (no_grad())
        {
            for (int a = 0; a < archLayers.Count; a++)
            {
                var (archName, archModule) = archLayers[a];
                if (f >= fileLayers.Count)
                    throw new InputException($"{path}: the file has {fileLayers.Count} convolution and BatchNorm layers, fewer than {spec.Name} "
                                             + $"({archLayers.Count}): it is not a {spec.Name} network.");
                var (fileName, fileModule) = fileLayers[f++];
                var nextArchBn = a + 1 < archLayers.Count ? archLayers[a + 1].module as BatchNorm2d : null;
                switch (archModule, fileModule)
                {
                    case (Conv2d archConv, Conv2d fileConv):
                        CopyConv(path, spec, archName, archConv, fileName, fileConv, out var fileBias);
                        if (nextArchBn is null)
                        {
                            SetBias(path, archName, archConv, fileName, fileBias);
                            break;
                        }
                        a++;   // the BatchNorm after the convolution is filled here
                        // A bias of the file's convolution goes where the architecture keeps one: in the convolution,
                        // or else into the BatchNorm that follows.
                        var biasForBn = fileBias;
                        if (archConv.bias is { } archBias)
                        {
                            if (fileBias is null) archBias.zero_();
                            else archBias.copy_(fileBias);
                            biasForBn = null;
                        }
                        if (f < fileLayers.Count && fileLayers[f].Module is BatchNorm2d followingBn)
                        {
                            CheckShape(path, spec, archLayers[a].name, nextArchBn.weight!, fileLayers[f].Name, followingBn.weight!);
                            CopyBatchNorm(nextArchBn, followingBn, biasForBn);
                            f++;
                        }
                        else
                        {
                            FoldedBatchNorm(nextArchBn, biasForBn);
                            folded++;
                        }
                        break;
                    case (BatchNorm2d archBn, BatchNorm2d fileBn):
                        CheckShape(path, spec, archName, archBn.weight!, fileName, fileBn.weight!);
                        CopyBatchNorm(archBn, fileBn, convBias: null);
                        break;
                    default:
                        throw new InputException($"{path}: the file's layer '{fileName}' is a {Kind(fileModule)} where {spec.Name}'s "
                                                 + $"'{archName}' is a {Kind(archModule)}: it is not a {spec.Name} network.");
                }
            }
        }
        if (f < fileLayers.Count && fileLayers.Skip(f).Any(l => l.Module is Conv2d))
            throw new InputException($"{path}: the file has more convolutions than {spec.Name} (the first extra one is "
                                     + $"'{fileLayers.Skip(f).First(l => l.Module is Conv2d).Name}'): it is not a {spec.Name} network.");
        CheckSameFeatures(path, spec, backbone, file);
        return folded;
    }

    static string Kind(nn.Module module) => module is Conv2d ? "convolution" : "BatchNorm";

    static void CheckShape(string path, BackboneSpec spec, string archName, Tensor archTensor, string fileName, Tensor fileTensor)
    {
        if (!archTensor.shape.SequenceEqual(fileTensor.shape))
            throw new InputException($"{path}: the file's layer '{fileName}' has weights of shape [{string.Join(", ", fileTensor.shape)}] where "
                                     + $"{spec.Name}'s '{archName}' needs [{string.Join(", ", archTensor.shape)}]: it is not a {spec.Name} network.");
    }

    static void CopyConv(string path, BackboneSpec spec, string archName, Conv2d archConv, string fileName, Conv2d fileConv, out Tensor? fileBias)
    {
        CheckShape(path, spec, archName, archConv.weight!, fileName, fileConv.weight!);
        if (!archConv.stride.SequenceEqual(fileConv.stride) || !archConv.dilation.SequenceEqual(fileConv.dilation) || archConv.groups != fileConv.groups)
            throw new InputException($"{path}: the file's convolution '{fileName}' has stride {Show(fileConv.stride)}, dilation "
                                     + $"{Show(fileConv.dilation)} and {fileConv.groups} group(s) where {spec.Name}'s '{archName}' has "
                                     + $"{Show(archConv.stride)}, {Show(archConv.dilation)} and {archConv.groups}: it is not a {spec.Name} network.");
        archConv.weight!.copy_(fileConv.weight!);
        fileBias = fileConv.bias;
    }

    static string Show(long[] values) => "(" + string.Join(", ", values) + ")";

    /// <summary>A convolution with no BatchNorm after it takes the file's bias (an absent one is zero).</summary>
    static void SetBias(string path, string archName, Conv2d archConv, string fileName, Tensor? fileBias)
    {
        if (archConv.bias is { } bias)
        {
            if (fileBias is null) bias.zero_();
            else bias.copy_(fileBias);
        }
        else if (fileBias is not null && fileBias.abs().max().item<float>() != 0)
        {
            throw new InputException($"{path}: the file's convolution '{fileName}' adds a bias that the architecture's '{archName}' "
                                     + "does not have (and no BatchNorm follows it to take it).");
        }
    }

    /// <summary>
    /// Copies a BatchNorm. A bias c of the convolution before it shifts the input, so it moves into the statistics:
    /// BN(x + c) with mean m equals BN(x) with mean m − c. A different ε moves into the variance.
    /// </summary>
    static void CopyBatchNorm(BatchNorm2d target, BatchNorm2d source, Tensor? convBias)
    {
        target.weight!.copy_(source.weight!);
        target.bias!.copy_(source.bias!);
        target.running_mean!.copy_(source.running_mean!);
        if (convBias is not null) target.running_mean!.sub_(convBias);
        target.running_var!.copy_(source.running_var!);
        target.running_var!.add_(source.eps - target.eps);
    }

    /// <summary>
    /// The file folded this BatchNorm into the convolution before it: unit scale, zero mean and variance 1 − ε make
    /// it the identity, and its shift is the folded bias (unless the convolution took that bias itself).
    /// </summary>
    static void FoldedBatchNorm(BatchNorm2d bn, Tensor? foldedBias)
    {
        bn.weight!.fill_(1);
        bn.running_mean!.zero_();
        bn.running_var!.fill_(1 - bn.eps);
        if (foldedBias is null) bn.bias!.zero_();
        else bn.bias!.copy_(foldedBias);
    }

    /// <summary>
    /// Runs both networks on one random image (eval mode) and compares the backbone's features with the file's: the
    /// value its classifier reads, averaged over space as the backbone's pooling does.
    /// </summary>
    static void CheckSameFeatures(string path, BackboneSpec spec, nn.Module<Tensor, Tensor> backbone, OnnxModule file)
    {
        var featuresName = FeaturesValue(file);
        var dims = file.DeclaredInputShape;
        long height = 224, width = 224;
        if (dims.Count == 4 && dims[2] is { } h && dims[3] is { } w) (height, width) = (h, w);

        bool wasTraining = backbone.training;
        backbone.eval();
        file.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var generator = new Generator(seed: 20261126);
            var image = randn([1, 3, height, width], generator: generator);
            var expected = file.ForwardTo(image, featuresName);
            if (expected.dim() > 2) expected = expected.flatten(2).mean([2]);
            var actual = backbone.call(image).flatten(1);
            if (!actual.shape.SequenceEqual(expected.shape))
                throw new InputException($"{path}: the file's features have shape [{string.Join(", ", expected.shape)}] where {spec.Name} "
                                         + $"gives [{string.Join(", ", actual.shape)}]: it is not a {spec.Name} network.");
            double scale = expected.abs().max().item<float>();
            double difference = (actual - expected).abs().max().item<float>();
            if (difference > Tolerance * Math.Max(scale, 1e-6))
                throw new InputException($"{path}: its weights fit {spec.Name} layer by layer, but the network computes other features "
                                         + $"(largest difference {difference:G3} at scale {scale:G3}): its layers run in another order "
                                         + "or pad differently.");
        }
        finally
        {
            backbone.train(wasTraining);
        }
    }

    /// <summary>
    /// The value the file's classifier starts from: the input of the first Flatten, Reshape, Gemm or MatMul after the
    /// last convolution; the graph output when there is none (a file exported without its classifier).
    /// </summary>
    static string FeaturesValue(OnnxModule file)
    {
        int lastConv = -1;
        for (int i = 0; i < file.Nodes.Count; i++)
            if (file.Nodes[i].OpType == "Conv") lastConv = i;
        for (int i = lastConv + 1; i < file.Nodes.Count; i++)
            if (file.Nodes[i].OpType is "Flatten" or "Reshape" or "Gemm" or "MatMul")
                return file.Nodes[i].Inputs[0];
        return file.OutputName;
    }
}
