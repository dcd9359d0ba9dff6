using TorchSharp;
using static TorchSharp.torch;
using TransferGen.Interop.Onnx.Proto;

namespace TransferGen.Interop.Onnx;

/// <summary>
/// Turns a parsed model into an <see cref="OnnxProgram"/>: folds Constant nodes into import-time values,
/// orders the nodes topologically, builds one op per node, and decides where every input comes from.
/// Every problem becomes an <see cref="InputException"/> naming the file and, where there is one, the node.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    readonly string _source;
    readonly OnnxModelProto _model;
    readonly Dictionary<string, OnnxTensorProto> _statics = new(StringComparer.Ordinal);
    // Constants already placed in a holder, so a value several nodes read is stored (and saved) once.
    readonly Dictionary<string, OnnxArg> _placed = new(StringComparer.Ordinal);
    readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    readonly List<(string, nn.Module)> _modules = [];
    readonly Dictionary<string, string> _initializerKeys = new(StringComparer.Ordinal);

    OnnxGraphBuilder(OnnxModelProto model, string source)
    {
        _model = model;
        _source = source;
    }

    /// <summary>Builds the program for <paramref name="model"/>, read from <paramref name="source"/>.</summary>
    public static OnnxProgram Build(OnnxModelProto model, string source) => new OnnxGraphBuilder(model, source).Build();

    InputException Fail(string problem) => new($"ONNX model '{_source}': {problem}.");

    OnnxProgram Build()
    {
        var graph = _model.Graph;
        foreach (var initializer in graph.Initializers) _statics[initializer.Name] = initializer;

        // Before IR version 4 every initializer was also listed as a graph input; the real input is the rest.
        var inputs = graph.Inputs.Where(i => !_statics.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1) throw Fail($"the graph has {inputs.Count} inputs besides its weights; the importer handles exactly one");
        if (graph.Outputs.Count != 1) throw Fail($"the graph has {graph.Outputs.Count} outputs; the importer handles exactly one");
        string inputName = inputs[0].Name, outputName = graph.Outputs[0].Name;

        var nodes = FoldConstants(graph.Nodes);
        var steps = new List<OnnxStep>();
        foreach (var (node, index) in Sort(nodes, inputName)) steps.Add(BuildStep(node, index));

        if (outputName != inputName && !steps.Any(s => s.Outputs.Contains(outputName)))
            throw Fail($"no node computes the graph output '{outputName}'");
        return new OnnxProgram(_model.DefaultOpset, inputName, inputs[0].Dims, outputName, steps, _modules, _initializerKeys);
    }

    // Constant nodes are values known at import time: a Reshape's target shape, a Mul's factor. So is an Identity of
    // such a value: PyTorch's exporter stores equal initializers once (the zero biases of a fresh torchvision VGG) and
    // hands the copies out through Identity nodes.
    List<(OnnxNodeProto Node, int Index)> FoldConstants(IReadOnlyList<OnnxNodeProto> nodes)
    {
        var rest = new List<(OnnxNodeProto, int)>();
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node.OpType == "Identity" && IsDefaultDomain(node) && node.Inputs.Count == 1 && node.Outputs.Count == 1
                && _statics.TryGetValue(node.Inputs[0], out var source))
            {
                _statics[node.Outputs[0]] = source with { Name = node.Outputs[0] };
                continue;
            }
            if (node.OpType != "Constant" || !IsDefaultDomain(node)) { rest.Add((node, i)); continue; }
            if (node.Outputs.Count != 1) throw Fail($"Constant node '{node.Name}' should have one output");
            _statics[node.Outputs[0]] = ConstantValue(node);
        }
        return rest;
    }

    OnnxTensorProto ConstantValue(OnnxNodeProto node)
    {
        string name = node.Outputs[0];
        foreach (var attribute in node.Attributes.Values)
        {
            switch (attribute.Name)
            {
                case "value" when attribute.T is not null:
                    return attribute.T with { Name = name };
                case "value_float":
                    return new OnnxTensorProto(name, [], (int)OnnxDataType.Float, [attribute.F], null, null, null, null, false);
                case "value_floats":
                    return new OnnxTensorProto(name, [attribute.Floats.Count], (int)OnnxDataType.Float, [.. attribute.Floats], null, null, null, null, false);
                case "value_int":
                    return new OnnxTensorProto(name, [], (int)OnnxDataType.Int64, null, [attribute.I], null, null, null, false);
                case "value_ints":
                    return new OnnxTensorProto(name, [attribute.Ints.Count], (int)OnnxDataType.Int64, null, [.. attribute.Ints], null, null, null, false);
            }
        }
        throw Fail($"Constant node '{node.Name}' has no value the importer can read (value, value_float(s) or value_int(s))");
    }

    // Kahn's algorithm, always taking the earliest ready node, so a file already in order keeps its order.
    List<(OnnxNodeProto Node, int Index)> Sort(List<(OnnxNodeProto Node, int Index)> nodes, string inputName)
    {
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 0; n < nodes.Count; n++)
            foreach (var output in nodes[n].Node.Outputs.Where(o => o.Length > 0))
                if (!producer.TryAdd(output, n)) throw Fail($"value '{output}' is computed by more than one node");

        var waitingOn = new int[nodes.Count];
        var consumers = Enumerable.Range(0, nodes.Count).Select(_ => new List<int>()).ToArray();
        for (int n = 0; n < nodes.Count; n++)
        {
            foreach (var input in nodes[n].Node.Inputs.Where(i => i.Length > 0).Distinct())
            {
                if (producer.TryGetValue(input, out int p)) { waitingOn[n]++; consumers[p].Add(n); }
                else if (input != inputName && !_statics.ContainsKey(input))
                    throw Fail($"node '{nodes[n].Node.Name}' ({nodes[n].Node.OpType}) reads '{input}', which no node, initializer or graph input provides");
            }
        }
        var ready = new SortedSet<int>(Enumerable.Range(0, nodes.Count).Where(n => waitingOn[n] == 0));
        var order = new List<(OnnxNodeProto, int)>(nodes.Count);
        while (ready.Count > 0)
        {
            int n = ready.Min;
            ready.Remove(n);
            order.Add(nodes[n]);
            foreach (int c in consumers[n])
                if (--waitingOn[c] == 0) ready.Add(c);
        }
        if (order.Count != nodes.Count) throw Fail("the graph has a cycle");
        return order;
    }

    OnnxStep BuildStep(OnnxNodeProto node, int index)
    {
        string display = node.Name.Length > 0 ? node.Name : $"{node.OpType}_{index}";
        var factory = IsDefaultDomain(node) ? OnnxOpTable.Find(node.OpType) : null;
        if (factory is null)
        {
            string domain = IsDefaultDomain(node) ? "" : $" from domain '{node.Domain}'";
            throw Fail($"node '{display}' uses op type '{node.OpType}'{domain}, which the importer does not support");
        }

        string key = OnnxNames.Unique(OnnxNames.Sanitize(node.Name, $"{node.OpType}_{index}"), _keys);
        var context = new OnnxNodeContext(node, _model.DefaultOpset, key, name => _statics.GetValueOrDefault(name));
        OnnxOp op;
        try
        {
            op = factory(context);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw Fail($"node '{display}' ({node.OpType}): {e.Message}");
        }

        if (op.Module is { } module) _modules.Add((key, module));
        foreach (var (input, name) in op.WeightNames)
            if (context.Taken.Contains(input)) _initializerKeys.TryAdd(node.Inputs[input], $"{key}.{name}");

        OnnxTensorHolder? constants = null;
        var args = new OnnxArg[node.Inputs.Count];
        for (int i = 0; i < args.Length; i++)
        {
            string name = node.Inputs[i];
            if (name.Length == 0 || context.Taken.Contains(i)) args[i] = new OnnxArg(OnnxArgKind.None, "");
            else if (_statics.ContainsKey(name)) args[i] = PlaceConstant(name, key, op.Module is null, ref constants, display, node.OpType);
            else args[i] = new OnnxArg(OnnxArgKind.Value, name);
        }
        return new OnnxStep(node, display, op.Module is not null ? key : constants?.GetName(), op, args);
    }

    // A constant the op reads at run time (Sub's mean image, Mul's factor) is stored as a buffer, not trained,
    // in a holder named after the first node that reads it.
    OnnxArg PlaceConstant(string name, string key, bool keyIsFree, ref OnnxTensorHolder? holder, string display, string opType)
    {
        if (_placed.TryGetValue(name, out var placed)) return placed;
        if (holder is null)
        {
            string holderKey = keyIsFree ? key : OnnxNames.Unique($"{key}_constants", _keys);
            holder = new OnnxTensorHolder(holderKey);
            _modules.Add((holderKey, holder));
        }
        string tensorKey = OnnxNames.Sanitize(name, "constant");
        try
        {
            tensorKey = holder.Add(tensorKey, _statics[name].ToTensor(), trainable: false);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw Fail($"node '{display}' ({opType}): {e.Message}");
        }
        _initializerKeys.TryAdd(name, $"{holder.GetName()}.{tensorKey}");
        return _placed[name] = new OnnxArg(OnnxArgKind.Constant, tensorKey, holder);
    }

    static bool IsDefaultDomain(OnnxNodeProto node) => node.Domain is "" or "ai.onnx";
}
