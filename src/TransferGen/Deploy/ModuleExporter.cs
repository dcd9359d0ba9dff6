using TorchSharp;
using TorchSharp.Modules;
using TransferGen.Interop.Onnx;
using TransferGen.Models;
using static TorchSharp.torch;

namespace TransferGen.Deploy;

/// <summary>
/// Writes a TorchSharp module's inference computation (BatchNorm with its running statistics, dropout off) as ONNX
/// nodes, module by module: the layers TorchSharp defines, the sequences TransferGen builds backbones from, TorchVision's
/// residual blocks, and imported ONNX graphs (<see cref="OnnxProgramExporter"/>). Weights are copied as they are now, so
/// a fine-tuned network exports its trained values. A module of any other type is an <see cref="OnnxExportException"/>
/// naming it: guessing what a custom forward does would export a different network without a word.
/// </summary>
internal sealed class ModuleExporter(OnnxGraphWriter graph)
{
    /// <summary>The graph the nodes go into.</summary>
    public OnnxGraphWriter Graph => graph;

    /// <summary>Writes <paramref name="module"/> applied to the value <paramref name="input"/>; returns its output value.</summary>
    /// <param name="module">The module.</param>
    /// <param name="input">The value it reads.</param>
    /// <param name="path">Its name in the model ("backbone.layer1.0"), for value names and error messages.</param>
    public string Emit(nn.Module module, string input, string path) => module switch
    {
        Classifier c => EmitClassifierLogits(c, input, path),
        OnnxModule onnx => new OnnxProgramExporter(graph).Emit(onnx, input, path),
        ScopedSequential or Sequential => EmitChildren(module, input, path),
        Conv2d conv => EmitConv(conv, input, path),
        ConvTranspose2d deconv => EmitConvTranspose(deconv, input, path),
        BatchNorm2d bn => EmitBatchNorm(bn, input, path),
        Linear linear => EmitLinear(linear, input, path),
        ReLU => graph.Node("Relu", [input], path),
        Tanh => graph.Node("Tanh", [input], path),
        Sigmoid => graph.Node("Sigmoid", [input], path),
        LeakyReLU leaky => graph.Node("LeakyRelu", [input], path, OnnxAttr.Float("alpha", leaky.negative_slope)),
        Identity or Dropout => input,
        Flatten flatten => EmitFlatten(flatten, input, path),
        MaxPool2d pool => EmitMaxPool(pool, input, path),
        AvgPool2d pool => EmitAvgPool(pool, input, path),
        AdaptiveAvgPool2d pool => pool.output_size.All(s => s == 1)
            ? graph.Node("GlobalAveragePool", [input], path)
            : throw OnnxExportException.Unsupported(path, "AdaptiveAvgPool2d", $"only an output size of 1 exports, not [{string.Join(", ", pool.output_size)}]"),
        _ when module.GetName() is "BasicBlock" or "Bottleneck" => EmitResidualBlock(module, input, path),
        _ => throw OnnxExportException.Unsupported(path, module.GetType().Name),
    };

    /// <summary>Backbone, then the head's linear layer (the classifier's dropout is off at inference): logits [N, K].</summary>
    string EmitClassifierLogits(Classifier classifier, string input, string path)
    {
        var features = Emit(classifier.Backbone, input, Join(path, "backbone"));
        return EmitLinear(classifier.Head, features, Join(path, "head"));
    }

    string EmitChildren(nn.Module module, string input, string path)
    {
        var x = input;
        foreach (var (name, child) in module.named_children()) x = Emit(child, x, Join(path, name));
        return x;
    }

    /// <summary>
    /// TorchVision's BasicBlock and Bottleneck (private classes, so known by name and child names): the main branch,
    /// plus the input or its downsampled form, then ReLU.
    /// </summary>
    string EmitResidualBlock(nn.Module block, string input, string path)
    {
        var children = block.named_children().ToDictionary(c => c.name, c => c.module);
        string[] main = block.GetName() == "BasicBlock"
            ? ["conv1", "bn1", "relu1", "conv2", "bn2"]
            : ["conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "conv3", "bn3"];
        var known = main.Append("downsample").ToHashSet();
        if (main.Any(n => !children.ContainsKey(n)) || children.Keys.Any(n => !known.Contains(n)))
            throw OnnxExportException.Unsupported(path, block.GetName(), $"its parts are [{string.Join(", ", children.Keys)}], not TorchVision's");
        var x = input;
        foreach (var name in main) x = Emit(children[name], x, Join(path, name));
        var identity = children.TryGetValue("downsample", out var down) ? Emit(down, input, Join(path, "downsample")) : input;
        var sum = graph.Node("Add", [x, identity], Join(path, "add"));
        return graph.Node("Relu", [sum], Join(path, "relu"));
    }

    string EmitConv(Conv2d conv, string input, string path)
    {
        if (conv.padding_mode != PaddingModes.Zeros)
            throw OnnxExportException.Unsupported(path, "Conv2d", $"padding mode {conv.padding_mode} has no ONNX Conv equivalent");
        var inputs = new List<string> { input, graph.Initializer(Join(path, "weight"), conv.weight!) };
        if (conv.bias is { } bias) inputs.Add(graph.Initializer(Join(path, "bias"), bias));
        var attributes = new List<global::Onnx.AttributeProto>
        {
            OnnxAttr.Ints("kernel_shape", conv.kernel_size),
            OnnxAttr.Ints("strides", conv.stride),
            OnnxAttr.Ints("dilations", conv.dilation),
            OnnxAttr.Int("group", conv.groups),
        };
        attributes.Add(conv.padding_type switch
        {
            // torch's 'same' puts an odd extra row or column at the end, as SAME_UPPER does.
            Padding.Same => OnnxAttr.String("auto_pad", "SAME_UPPER"),
            Padding.Valid => OnnxAttr.Ints("pads", 0, 0, 0, 0),
            _ => OnnxAttr.Ints("pads", SymmetricPads(conv.padding)),
        });
        return graph.Node("Conv", inputs, path, [.. attributes]);
    }

    string EmitConvTranspose(ConvTranspose2d conv, string input, string path)
    {
        if (conv.padding_mode != PaddingModes.Zeros)
            throw OnnxExportException.Unsupported(path, "ConvTranspose2d", $"padding mode {conv.padding_mode} has no ONNX equivalent");
        var inputs = new List<string> { input, graph.Initializer(Join(path, "weight"), conv.weight!) };
        if (conv.bias is { } bias) inputs.Add(graph.Initializer(Join(path, "bias"), bias));
        return graph.Node("ConvTranspose", inputs, path,
            OnnxAttr.Ints("kernel_shape", conv.kernel_size),
            OnnxAttr.Ints("strides", conv.stride),
            OnnxAttr.Ints("dilations", conv.dilation),
            OnnxAttr.Int("group", conv.groups),
            OnnxAttr.Ints("pads", SymmetricPads(conv.padding)),
            OnnxAttr.Ints("output_padding", conv.output_padding is { Length: 2 } op ? op : [0, 0]));
    }

    string EmitBatchNorm(BatchNorm2d bn, string input, string path)
    {
        if (bn.running_mean is not { } mean || bn.running_var is not { } variance)
            throw OnnxExportException.Unsupported(path, "BatchNorm2d", "it keeps no running statistics, so its inference form depends on the batch");
        var channels = bn.num_features;
        using var unitScale = ones(channels);
        using var noShift = zeros(channels);
        return graph.Node("BatchNormalization",
            [
                input,
                graph.Initializer(Join(path, "weight"), bn.weight ?? unitScale),
                graph.Initializer(Join(path, "bias"), bn.bias ?? noShift),
                graph.Initializer(Join(path, "running_mean"), mean),
                graph.Initializer(Join(path, "running_var"), variance),
            ],
            path, OnnxAttr.Float("epsilon", bn.eps));
    }

    /// <summary>Linear as Gemm with the weight transposed in place (torch stores [out, in]).</summary>
    public string EmitLinear(Linear linear, string input, string path)
    {
        var inputs = new List<string> { input, graph.Initializer(Join(path, "weight"), linear.weight!) };
        if (linear.bias is { } bias) inputs.Add(graph.Initializer(Join(path, "bias"), bias));
        return graph.Node("Gemm", inputs, path, OnnxAttr.Int("transB", 1));
    }

    string EmitFlatten(Flatten flatten, string input, string path)
    {
        // ONNX Flatten keeps the dims before its axis and joins the rest: torch's Flatten(start, -1) for start ≥ 1.
        if (flatten.end_dim != -1 || flatten.start_dim < 1)
            throw OnnxExportException.Unsupported(path, "Flatten", $"only Flatten(start_dim ≥ 1, end_dim = -1) exports, not ({flatten.start_dim}, {flatten.end_dim})");
        return graph.Node("Flatten", [input], path, OnnxAttr.Int("axis", flatten.start_dim));
    }

    string EmitMaxPool(MaxPool2d pool, string input, string path)
    {
        var kernel = Pair(pool.kernel_size);
        return graph.Node("MaxPool", [input], path,
            OnnxAttr.Ints("kernel_shape", kernel),
            OnnxAttr.Ints("strides", pool.stride is { Length: > 0 } s ? Pair(s) : kernel),
            OnnxAttr.Ints("pads", SymmetricPads(pool.padding)),
            OnnxAttr.Ints("dilations", pool.dilation is { Length: > 0 } d ? Pair(d) : [1, 1]),
            OnnxAttr.Int("ceil_mode", pool.ceil_mode ? 1 : 0));
    }

    string EmitAvgPool(AvgPool2d pool, string input, string path)
    {
        if (pool.divisor_override is not null)
            throw OnnxExportException.Unsupported(path, "AvgPool2d", "divisor_override has no ONNX equivalent");
        var kernel = Pair(pool.kernel_size);
        return graph.Node("AveragePool", [input], path,
            OnnxAttr.Ints("kernel_shape", kernel),
            OnnxAttr.Ints("strides", pool.stride is { Length: > 0 } s ? Pair(s) : kernel),
            OnnxAttr.Ints("pads", SymmetricPads(pool.padding)),
            OnnxAttr.Int("ceil_mode", pool.ceil_mode ? 1 : 0),
            OnnxAttr.Int("count_include_pad", pool.count_include_pad ? 1 : 0));
    }

    static long[] Pair(long[] values) => values.Length == 1 ? [values[0], values[0]] : values;

    static long[] SymmetricPads(long[]? padding)
    {
        var p = padding is { Length: > 0 } ? Pair(padding) : [0, 0];
        return [p[0], p[1], p[0], p[1]];
    }

    /// <summary><paramref name="path"/>.<paramref name="name"/>, or the name alone at the top.</summary>
    public static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
