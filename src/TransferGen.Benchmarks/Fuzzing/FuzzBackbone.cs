using TransferGen.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Benchmarks.Fuzzing;

/// <summary>
/// A three-convolution backbone (conv1/bn1, layer1, layer2, global pooling, 16 features) whose weight files are a few
/// kilobytes, so each fuzz case reads a whole file in milliseconds. Registered as <see cref="Name"/>.
/// </summary>
internal sealed class FuzzBackbone : Module<Tensor, Tensor>
{
    /// <summary>The registry name.</summary>
    public const string Name = "fuzz-tiny";

    readonly Module<Tensor, Tensor> conv1 = Conv2d(3, 8, 3, padding: 1);
    readonly Module<Tensor, Tensor> bn1 = BatchNorm2d(8);
    readonly Module<Tensor, Tensor> layer1 = Sequential(Conv2d(8, 16, 3, stride: 2, padding: 1), BatchNorm2d(16), ReLU());
    readonly Module<Tensor, Tensor> layer2 = Sequential(Conv2d(16, 16, 3, padding: 1), BatchNorm2d(16), ReLU());

    public FuzzBackbone() : base(nameof(FuzzBackbone)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = layer2.call(layer1.call(functional.relu(bn1.call(conv1.call(x)))));
        return y.mean([2, 3]).MoveToOuterDisposeScope();
    }

    /// <summary>Registers the backbone (idempotent) and returns its spec; its "built-in weights" are a seeded initialisation.</summary>
    public static BackboneSpec Register()
    {
        var spec = new BackboneSpec(Name, () => new FuzzBackbone(), () => new FuzzBackbone(), "random (fuzzing)",
            Preprocessing.ImageNet with { NativeSize = 16 }, new BackboneMeta("TransferGen fuzzing", "none"), 16,
            [new BackboneStage("stem", ["conv1.", "bn1."]), new BackboneStage("layer1", ["layer1."]), new BackboneStage("layer2", ["layer2."])],
            "conv1", ["fc."]);
        BackboneRegistry.Register(spec);
        return spec;
    }

    /// <summary>
    /// The same network as an ONNX graph, the way an exporter writes it (BatchNorm kept as nodes), with the weights of
    /// <paramref name="backbone"/>: a valid seed for the ONNX weights path.
    /// </summary>
    public static byte[] ToOnnx(FuzzBackbone backbone)
    {
        var state = backbone.state_dict();
        float[] Values(string key) => state[key].data<float>().ToArray();
        long[] Shape(string key) => state[key].shape;
        var writer = new OnnxModelWriter().Input("input", null, 3, 16, 16).Output("features");
        var x = "input";
        var layers = new[] { ("conv1", "bn1", 1L, true), ("layer1.0", "layer1.1", 2L, true), ("layer2.0", "layer2.1", 1L, true) };
        for (var i = 0; i < layers.Length; i++)
        {
            var (conv, bn, stride, relu) = layers[i];
            foreach (var p in new[] { $"{conv}.weight", $"{conv}.bias", $"{bn}.weight", $"{bn}.bias", $"{bn}.running_mean", $"{bn}.running_var" })
                writer.Initializer(p, Shape(p), Values(p));
            writer.Node("Conv", [x, $"{conv}.weight", $"{conv}.bias"], [$"c{i}"], $"Conv_{i}",
                OnnxModelWriter.Attr.Ints("kernel_shape", 3, 3), OnnxModelWriter.Attr.Ints("pads", 1, 1, 1, 1),
                OnnxModelWriter.Attr.Ints("strides", stride, stride));
            writer.Node("BatchNormalization", [$"c{i}", $"{bn}.weight", $"{bn}.bias", $"{bn}.running_mean", $"{bn}.running_var"], [$"b{i}"],
                $"BatchNorm_{i}", OnnxModelWriter.Attr.Float("epsilon", 1e-5f));
            if (relu) writer.Node("Relu", [$"b{i}"], [$"r{i}"], $"Relu_{i}");
            x = $"r{i}";
        }
        writer.Node("GlobalAveragePool", [x], ["pooled"], "Pool").Node("Flatten", ["pooled"], ["features"], "Flatten");
        return writer.ToBytes();
    }
}
