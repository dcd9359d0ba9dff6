using TransferGen.Data.Transforms;
using TransferGen.Models;
using TransferGen.Transfer;
using OnnxPb = global::Onnx;

namespace TransferGen.Deploy;

/// <summary>
/// A fine-tuned classifier as one ONNX graph: RGB (or gray) pixels 0..255 at the run's image size in, class
/// probabilities out. Everything the run's evaluation transform does after resizing is inside, in the same order as
/// <see cref="TransferPipeline"/>: 0..1 floats, colour to gray for a gray backbone, gray to RGB by replication, RGB to
/// BGR, then the backbone's scale, mean and standard deviation. The resize is inside too, since every image library
/// resizes a little differently and even a small difference moves the probabilities by more than 1e-4.
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
        var x = graph.Input(InputName, OnnxPb.TensorProto.Types.DataType.Float, "N", (long)channels, "H", "W");
        x = ResizeAsTransferGen(graph, x, size);
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

    /// <summary>
    /// The <see cref="Resize"/> transform of prediction, so images of any size give what <c>transfergen predict</c> gives:
    /// torch's bilinear resize with half-pixel centres, antialiased when shrinking, then rounded and clipped to 0..255
    /// as the uint8 image is. ONNX Resize cannot be used: its antialias filter (opset 17) weighs pixels differently from
    /// torch's, which moved probabilities by up to 2e-2 on 48→32 px stripes. So each axis is a matrix of torch's weights,
    /// computed in the graph from the input's size, and the image is multiplied by the two. At the run's own size both
    /// matrices are the identity.
    /// </summary>
    static string ResizeAsTransferGen(OnnxGraphWriter graph, string x, int size)
    {
        var shape = graph.Node("Shape", [x], "input_shape");
        var rows = ResizeWeights(graph, shape, 2, size, "rows");                                     // [S, H]
        var columns = ResizeWeights(graph, shape, 3, size, "columns");                               // [S, W]
        var columnsT = graph.Node("Transpose", [columns], "columns_t", OnnxAttr.Ints("perm", 1, 0));  // [W, S]
        var narrowed = graph.Node("MatMul", [x, columnsT], "resized_columns");                       // [N, C, H, S]
        var resized = graph.Node("MatMul", [rows, narrowed], "resized");                             // [N, C, S, S]
        var rounded = graph.Node("Round", [resized], "rounded");
        return graph.Node("Clip", [rounded, graph.Constant("black", [0f]), graph.Constant("white", [255f])], "resized_pixels");
    }

    /// <summary>
    /// The [S, L] weights torch's antialiased bilinear resize gives output pixel i along an axis of length L: a triangle
    /// of half-width max(L/S, 1) centred on (i + 0.5)·L/S, over the pixel centres j + 0.5, each row normalised to sum 1.
    /// With a half-width of 1 (not shrinking) that is plain bilinear interpolation, edges clamped, as torch does then.
    /// </summary>
    static string ResizeWeights(OnnxGraphWriter graph, string shape, long axis, int size, string name)
    {
        var length = graph.Node("Gather", [shape, graph.Int64Constant($"{name}_axis", [axis], [])], $"{name}_length");
        var lengthF = graph.Node("Cast", [length], $"{name}_length_f", OnnxAttr.Int("to", (long)OnnxPb.TensorProto.Types.DataType.Float));
        var scale = graph.Node("Div", [lengthF, graph.Constant($"{name}_size", [size])], $"{name}_scale");
        var support = graph.Node("Max", [scale, graph.Constant($"{name}_one", [1f])], $"{name}_support");
        var outputCentres = graph.Constant($"{name}_out_centres", [.. Enumerable.Range(0, size).Select(i => i + 0.5f)], size, 1);
        var centres = graph.Node("Mul", [outputCentres, scale], $"{name}_centres");                   // [S, 1]
        var half = graph.Constant($"{name}_half", [0.5f]);
        var end = graph.Node("Add", [lengthF, half], $"{name}_end");
        var inputCentres = graph.Node("Range", [half, end, graph.Constant($"{name}_step", [1f])], $"{name}_in_centres"); // [L]
        var offsets = graph.Node("Sub", [inputCentres, centres], $"{name}_offsets");                  // [S, L]
        var distance = graph.Node("Div", [graph.Node("Abs", [offsets], $"{name}_abs"), support], $"{name}_distance");
        var triangle = graph.Node("Relu", [graph.Node("Sub", [graph.Constant($"{name}_peak", [1f]), distance], $"{name}_raw")], $"{name}_triangle");
        var total = graph.Node("ReduceSum", [triangle, graph.Int64Constant($"{name}_sum_axis", [1])], $"{name}_total", OnnxAttr.Int("keepdims", 1));
        return graph.Node("Div", [triangle, total], $"{name}_weights");
    }

    /// <summary>The input contract in words, for the file's doc string and metadata.</summary>
    public static string Contract(ImageClassifier model)
    {
        var config = model.Config;
        int size = config.Options.ImageSize;
        var colour = config.DataChannels == 3 ? "RGB" : "gray";
        return
            $"Input '{InputName}': float32 [N, {config.DataChannels}, H, W], {colour} pixel values 0..255 (integers, as decoded) in channel-first (planar) order, " +
            $"any H×W: the graph resizes to the run's {size}×{size} as transfergen does (bilinear, antialiased when shrinking, rounded). Output '{OutputName}': float32 [N, {config.Classes.Count}], softmax probabilities " +
            "in the order of the 'classes' metadata entry.";
    }
}
