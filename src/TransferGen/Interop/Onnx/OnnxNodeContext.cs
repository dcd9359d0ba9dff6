using TransferGen.Interop.Onnx.Proto;

namespace TransferGen.Interop.Onnx;

/// <summary>
/// What an op factory sees of one node: its attributes (with ONNX defaults supplied by the caller), the
/// operator-set version, and the import-time values of inputs bound to initializers or Constant nodes.
/// Inputs a factory takes here become the op's own weights; the rest are fed at run time.
/// Factories report malformed nodes with <see cref="InvalidDataException"/> and unsupported variants with
/// <see cref="NotSupportedException"/>; the builder adds the file and node names.
/// </summary>
internal sealed class OnnxNodeContext(OnnxNodeProto node, long opset, string key, Func<string, OnnxTensorProto?> staticValue)
{
    readonly HashSet<int> _taken = [];

    /// <summary>The node being built.</summary>
    public OnnxNodeProto Node => node;

    /// <summary>The model's default-domain operator-set version (op semantics changed across versions).</summary>
    public long Opset => opset;

    /// <summary>The node's child-module name in the imported module.</summary>
    public string Key => key;

    /// <summary>Input indices whose import-time values the factory took.</summary>
    public IReadOnlySet<int> Taken => _taken;

    /// <summary>True when input <paramref name="index"/> is present (not omitted, not an empty name).</summary>
    public bool HasInput(int index) => index < node.Inputs.Count && node.Inputs[index].Length > 0;

    /// <summary>The import-time value of input <paramref name="index"/>, or null when it is computed at run time.</summary>
    public OnnxTensorProto? PeekStatic(int index) => HasInput(index) ? staticValue(node.Inputs[index]) : null;

    /// <summary>Takes input <paramref name="index"/>'s import-time value when there is one.</summary>
    public OnnxTensorProto? TakeStatic(int index)
    {
        var value = PeekStatic(index);
        if (value is not null) _taken.Add(index);
        return value;
    }

    /// <summary>Takes input <paramref name="index"/>'s import-time value, which this op requires.</summary>
    public OnnxTensorProto RequireStatic(int index, string what) =>
        TakeStatic(index) ?? throw (HasInput(index)
            ? new NotSupportedException($"its {what} (input {index}) must be an initializer or a Constant, not computed in the graph")
            : new InvalidDataException($"it lacks its {what} (input {index})"));

    /// <summary>An int attribute, or <paramref name="fallback"/> when absent.</summary>
    public long Int(string name, long fallback) => node.Attributes.TryGetValue(name, out var a) ? a.I : fallback;

    /// <summary>A float attribute, or <paramref name="fallback"/> when absent.</summary>
    public float Float(string name, float fallback) => node.Attributes.TryGetValue(name, out var a) ? a.F : fallback;

    /// <summary>An ints attribute, or null when absent.</summary>
    public long[]? Ints(string name) => node.Attributes.TryGetValue(name, out var a) ? [.. a.Ints] : null;

    /// <summary>A string attribute, or <paramref name="fallback"/> when absent.</summary>
    public string String(string name, string fallback) => node.Attributes.TryGetValue(name, out var a) ? a.Text() : fallback;

    /// <summary>A tensor attribute, or null when absent.</summary>
    public OnnxTensorProto? Tensor(string name) => node.Attributes.TryGetValue(name, out var a) ? a.T : null;

    /// <summary>True when the attribute is present.</summary>
    public bool Has(string name) => node.Attributes.ContainsKey(name);

    /// <summary>The number of outputs the graph actually names (trailing optional outputs may be omitted).</summary>
    public int UsedOutputs => node.Outputs.Count(o => o.Length > 0);
}
