using TransferGen.Data.Transforms;
using TransferGen.Models;
using TransferGen.Transfer;
using OnnxPb = global::Onnx;

namespace TransferGen.Deploy;

/// <summary>
/// A fine-tuned classifier as one ONNX graph: RGB (or gray) pixels 0..255 at the run's image size in, class
/// probabilities out. Everything the run's evaluation transform does after resizing is inside, in the same order as
/// <see cref="TransferPipeline"/>: 0..1 floats, colour to gray for a gray backbone, gray to RGB by replication, RGB to
/// BGR, then the backbone's scale, mean and standard deviation. Resizing stays outside, because image libraries
/// resize differently and the contract says which size to give.
/// </summary>
internal static class ClassifierGraph
{
    /// <summary>The input's name.</summary>
    public const string InputName = "pixels";

    /// <summary>The output's name.</summary>
    public const string OutputName = "probabilities";

    /// <summary>Writes <paramref name="model"/> into a new graph; returns the graph and the input contract's channels.</summary>
    public static (OnnxGraphWriter Graph, int Channels) Build(ImageClassifier model)
    {
        var config = model.Config;
        var graph = new OnnxGraphWriter("transfergen_classifier");
        int size = config.Options.ImageSize, channels = config.DataChannels;
        var x = graph.Input(InputName, OnnxPb.TensorProto.Types.DataType.Float, "N", (long)channels, (long)size, (long)size);
        x = graph.Node("Div", [x, graph.Constant("pixel_max", [255f])], "unit_pixels");

        var p = config.Preprocessing;
        var backboneChannels = BackboneResolver.Get(config.Backbone).InputChannels;
        int c = channels;
        if (c == 3 && (backboneChannels == 1 || p.Mean.Count == 1))
        {
            // BT.601 luma as a 1×1 convolution: the weighted channel sum RgbToGrayscale computes on float pixels.
            var luma = graph.Constant("luma_weights", [.. RgbToGrayscale.LumaWeights.Select(w => (float)w)], 1, 3, 1, 1);
            x = graph.Node("Conv", [x, luma], "gray", OnnxAttr.Ints("kernel_shape", 1, 1));
            c = 1;
        }
        if (c == 1 && p.Mean.Count == 3)
        {
            x = graph.Node("Concat", [x, x, x], "replicated_gray", OnnxAttr.Int("axis", 1));
            c = 3;
        }
        if (p.Order == ChannelOrder.Bgr && p.Mean.Count == 3)
            x = graph.Node("Gather", [x, graph.Int64Constant("bgr_order", [2, 1, 0])], "bgr", OnnxAttr.Int("axis", 1));
        if (p.PixelScale != 1) x = graph.Node("Mul", [x, graph.Constant("pixel_scale", [(float)p.PixelScale])], "scaled");
        long statCount = p.Mean.Count;
        x = graph.Node("Sub", [x, graph.Constant("mean", [.. p.Mean.Select(m => (float)m)], 1, statCount, 1, 1)], "centred");
        x = graph.Node("Div", [x, graph.Constant("std", [.. p.Std.Select(s => (float)s)], 1, statCount, 1, 1)], "normalised");

        var logits = new ModuleExporter(graph).Emit(model.Network, x, "");
        var probabilities = graph.Node("Softmax", [logits], OutputName, OnnxAttr.Int("axis", 1));
        graph.Output(probabilities, OnnxPb.TensorProto.Types.DataType.Float, "N", (long)config.Classes.Count);
        return (graph, channels);
    }

    /// <summary>The input contract in words, for the file's doc string and metadata.</summary>
    public static string Contract(ImageClassifier model)
    {
        var config = model.Config;
        int size = config.Options.ImageSize;
        var colour = config.DataChannels == 3 ? "RGB" : "gray";
        return
            $"Input '{InputName}': float32 [N, {config.DataChannels}, {size}, {size}], {colour} pixel values 0..255 in channel-first (planar) order, " +
            $"each image already resized to {size}×{size}. Output '{OutputName}': float32 [N, {config.Classes.Count}], softmax probabilities " +
            "in the order of the 'classes' metadata entry.";
    }
}
