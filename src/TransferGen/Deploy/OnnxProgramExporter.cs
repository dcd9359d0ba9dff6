using Google.Protobuf;
using TorchSharp;
using TransferGen.Interop.Onnx;
using TransferGen.Interop.Onnx.Ops;
using TransferGen.Interop.Onnx.Proto;
using static TorchSharp.torch;
using OnnxPb = global::Onnx;

namespace TransferGen.Deploy;

/// <summary>
/// Writes an imported ONNX graph (<see cref="OnnxModule"/>, such as resnet18-imagenet) back as nodes: each step's node
/// with its own attributes, reading the module's current weights (so fine-tuning and a first convolution adapted to
/// gray are in the file) and the values of earlier steps. Only ops whose meaning is the same in the source file's
/// operator set and in <see cref="OnnxGraphWriter.Opset"/> are written; any other is an <see cref="OnnxExportException"/>
/// naming the node, since rewriting an op across opset versions is a converter's job.
/// </summary>
internal sealed class OnnxProgramExporter(OnnxGraphWriter graph)
{
    /// <summary>Ops whose meaning is the same in every operator set the importer reads and in the one written.</summary>
    static readonly HashSet<string> SameInEveryOpset = new(StringComparer.Ordinal)
    {
        "Conv", "ConvTranspose", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Identity", "Add", "Sub", "Mul", "Div", "Flatten", "Concat", "Gemm",
    };

    /// <summary>
    /// Attributes left out: BatchNormalization's 'spatial' is gone since opset 9 (the importer accepts only 1, the
    /// meaning that remained) and its 'momentum' matters only to training.
    /// </summary>
    static readonly Dictionary<string, string[]> Dropped = new(StringComparer.Ordinal)
    {
        ["BatchNormalization"] = ["spatial", "momentum"],
    };

    /// <summary>Writes <paramref name="module"/> applied to <paramref name="input"/>; returns its output value.</summary>
    public string Emit(OnnxModule module, string input, string path)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { [module.InputName] = input };
        var holders = new Dictionary<(OnnxTensorHolder, string), string>();
        foreach (var step in module.Steps)
        {
            var node = step.Node;
            var where = ModuleExporter.Join(path, step.DisplayName);
            if (!SameInEveryOpset.Contains(node.OpType) || node.Domain is not ("" or "ai.onnx"))
                throw OnnxExportException.Unsupported(where, $"ONNX {node.OpType}", "the exporter does not rewrite this op across operator sets");
            if (node.Attributes.ContainsKey("broadcast"))
                throw OnnxExportException.Unsupported(where, $"ONNX {node.OpType}", "its legacy broadcast attribute has no meaning after opset 7");
            if (step.Outputs.Count(o => o.Length > 0) != 1)
                throw OnnxExportException.Unsupported(where, $"ONNX {node.OpType}", "only nodes with one output export");

            string opType = node.OpType;
            var attributes = node.Attributes.Values
                .Where(a => !(Dropped.TryGetValue(opType, out var drop) && drop.Contains(a.Name)))
                .ToDictionary(a => a.Name, a => ToProto(a, where, opType), StringComparer.Ordinal);
            if (step.Op is PoolOp { IsGlobal: true })
            {
                // The importer made this whole-map pool global (any input size); write it as what it now computes.
                opType = opType == "MaxPool" ? "GlobalMaxPool" : "GlobalAveragePool";
                attributes.Clear();
            }
            if (opType == "Gemm" && step.Op.Module is not null)
                attributes["transB"] = OnnxAttr.Int("transB", 1);   // the Linear it became stores its weight [out, in]

            var inputs = new List<string>();
            for (int i = 0; i < step.Args.Length; i++)
                inputs.Add(InputName(step, i, names, holders, where));
            while (inputs.Count > 0 && inputs[^1].Length == 0) inputs.RemoveAt(inputs.Count - 1);

            var output = graph.Node(opType, inputs, ModuleExporter.Join(path, step.Outputs.First(o => o.Length > 0)), [.. attributes.Values]);
            names[step.Outputs.First(o => o.Length > 0)] = output;
        }
        if (!names.TryGetValue(module.OutputName, out var result))
            throw OnnxExportException.Unsupported(path, "ONNX graph", $"no node computes its output '{module.OutputName}'");
        return module.FlattensOutput ? graph.Node("Flatten", [result], ModuleExporter.Join(path, "flatten"), OnnxAttr.Int("axis", 1)) : result;
    }

    string InputName(OnnxStep step, int index, Dictionary<string, string> names, Dictionary<(OnnxTensorHolder, string), string> holders, string where)
    {
        var arg = step.Args[index];
        switch (arg.Kind)
        {
            case OnnxArgKind.Value:
                return names[arg.Name];
            case OnnxArgKind.Constant:
                var key = (arg.Holder!, arg.Name);
                if (!holders.TryGetValue(key, out var constant))
                    holders[key] = constant = graph.Initializer(ModuleExporter.Join(where, arg.Name), arg.Holder!.Get(arg.Name));
                return constant;
            default:
                var weight = step.Op.WeightNames.FirstOrDefault(w => w.Input == index).Name;
                if (weight is not null && step.Op.Module is { } module && Tensor(module, weight) is { } value)
                    return graph.Initializer(ModuleExporter.Join(where, weight), value);
                bool named = index < step.Node.Inputs.Count && step.Node.Inputs[index].Length > 0;
                if (named)
                    throw OnnxExportException.Unsupported(where, $"ONNX {step.Node.OpType}", $"its input {index} was folded at import and cannot be written back");
                return "";
        }
    }

    static Tensor? Tensor(nn.Module module, string name) =>
        module.named_parameters(recurse: false).FirstOrDefault(p => p.name == name).parameter
        ?? module.named_buffers(recurse: false).FirstOrDefault(b => b.name == name).buffer;

    static OnnxPb.AttributeProto ToProto(OnnxAttribute a, string where, string opType) => a.Type switch
    {
        OnnxAttributeType.Int => OnnxAttr.Int(a.Name, a.I),
        OnnxAttributeType.Float => OnnxAttr.Float(a.Name, a.F),
        OnnxAttributeType.Ints => OnnxAttr.Ints(a.Name, [.. a.Ints]),
        OnnxAttributeType.Floats => OnnxAttr.Floats(a.Name, a.Floats),
        OnnxAttributeType.String => new OnnxPb.AttributeProto { Name = a.Name, Type = OnnxPb.AttributeProto.Types.AttributeType.String, S = ByteString.CopyFrom(a.S) },
        _ => throw OnnxExportException.Unsupported(where, $"ONNX {opType}", $"its attribute '{a.Name}' is of kind {a.Type}, which the exporter does not write"),
    };
}
