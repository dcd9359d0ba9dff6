using TorchSharp.Modules;
using TransferGen.Generation;
using TransferGen.Models.Gan;
using static TorchSharp.torch;
using OnnxPb = global::Onnx;

namespace TransferGen.Deploy;

/// <summary>
/// A GAN run's generator (the EMA copy that <c>gan sample</c> draws from) as one ONNX graph: latent vectors z and, for a
/// conditional model, class indices in; images in [0, 1] out, as <c>gan sample</c> writes them ((tanh + 1) / 2, clipped).
/// </summary>
internal static class GeneratorGraph
{
    /// <summary>The latent input's name.</summary>
    public const string LatentName = "z";

    /// <summary>The class input's name (conditional generators only).</summary>
    public const string ClassName = "class";

    /// <summary>The output's name.</summary>
    public const string OutputName = "image";

    /// <summary>Writes <paramref name="generator"/>'s network into a new graph.</summary>
    public static OnnxGraphWriter Build(ImageGenerator generator)
    {
        var network = generator.Network;
        var shape = network.Shape;
        var graph = new OnnxGraphWriter("transfergen_generator");
        var exporter = new ModuleExporter(graph);
        var z = graph.Input(LatentName, OnnxPb.TensorProto.Types.DataType.Float, "N", (long)network.LatentDim);
        var children = network.named_children().ToDictionary(c => c.name, c => c.module);
        string tanh;
        switch (network)
        {
            case DcganGenerator:
                var input = z;
                if (network.ClassCount is not null)
                {
                    var labels = graph.Input(ClassName, OnnxPb.TensorProto.Types.DataType.Int64, "N");
                    if (children.GetValueOrDefault("embed") is not Embedding embed)
                        throw OnnxExportException.Unsupported("embed", "DcganGenerator", "a conditional generator needs its class embedding");
                    var embedded = graph.Node("Gather", [graph.Initializer("embed.weight", embed.weight!), labels], "embed", OnnxAttr.Int("axis", 0));
                    input = graph.Node("Concat", [z, embedded], "z_and_class", OnnxAttr.Int("axis", 1));
                }
                // z (+ embedding) read as a 1×1 map, as the generator's forward does.
                var map = graph.Node("Reshape", [input, graph.Int64Constant("as_map", [0, -1, 1, 1])], "latent_map");
                tanh = exporter.Emit(Main(children, "DcganGenerator"), map, "main");
                break;
            case MlpGenerator:
                var flat = exporter.Emit(Main(children, "MlpGenerator"), z, "main");
                tanh = graph.Node("Reshape", [flat, graph.Int64Constant("as_image", [0, shape.Channels, shape.Height, shape.Width])], "main_image");
                break;
            default:
                throw OnnxExportException.Unsupported("", network.GetType().Name, "only the mlp, dcgan and cdcgan generators export");
        }
        var shifted = graph.Node("Add", [tanh, graph.Constant("one", [1f])], "shifted");
        var halved = graph.Node("Mul", [shifted, graph.Constant("half", [0.5f])], "unit_range");
        var image = graph.Node("Clip", [halved, graph.Constant("zero", [0f]), graph.Constant("upper", [1f])], OutputName);
        graph.Output(image, OnnxPb.TensorProto.Types.DataType.Float, "N", (long)shape.Channels, (long)shape.Height, (long)shape.Width);
        return graph;
    }

    static Sequential Main(Dictionary<string, nn.Module> children, string type) =>
        children.GetValueOrDefault("main") as Sequential
        ?? throw OnnxExportException.Unsupported("main", type, "its layers are not where the exporter expects them");

    /// <summary>The input contract in words.</summary>
    public static string Contract(ImageGenerator generator)
    {
        var n = generator.Network;
        var classes = n.ClassCount is int k ? $" and '{ClassName}': int64 [N], class indices 0..{k - 1} in the order of the 'classes' metadata entry" : "";
        return $"Inputs '{LatentName}': float32 [N, {n.LatentDim}], standard normal latent vectors{classes}. " +
               $"Output '{OutputName}': float32 [N, {n.Shape.Channels}, {n.Shape.Height}, {n.Shape.Width}], pixel values in [0, 1] " +
               $"({(n.Shape.Channels == 3 ? "RGB" : "gray")}, channel-first).";
    }
}
