using TorchSharp;
using TransferGen.Interop.Onnx.Ops;
using TransferGen.Interop.Onnx.Proto;
using static TorchSharp.torch;

namespace TransferGen.Interop.Onnx;

/// <summary>
/// An ONNX graph (one input, one output) imported as a trainable TorchSharp module. Weights become real torch
/// modules holding exact copies of the file's values: Conv → Conv2d, BatchNormalization → BatchNorm2d
/// (running statistics, so train/eval mode behave as in PyTorch), Gemm → Linear. Each is a child module named
/// after its ONNX node (sanitised: characters other than letters, digits and '_' become '_'), registered in
/// graph order, so state_dict keys read like "Convolution249.weight" and <c>named_children()</c> lists the
/// network's layers in order. Constants the graph computes with (a mean image to subtract) are buffers.
/// Like any torch module it starts in training mode: call <c>eval()</c> for inference.
/// See <see cref="SupportedOps"/> for the ops it runs.
/// </summary>
public sealed class OnnxModule : nn.Module<Tensor, Tensor>
{
    readonly IReadOnlyList<OnnxStep> _steps;
    readonly Dictionary<string, int> _lastUse;
    readonly bool _flatten;
    readonly string _source;

    OnnxModule(OnnxProgram program, OnnxImportOptions options, string name, string source) : base(name)
    {
        _source = source;
        _steps = program.Steps;
        _flatten = options.FlattenOutput;
        InputName = program.InputName;
        OutputName = program.OutputName;
        Opset = program.Opset;
        DeclaredInputShape = program.InputDims ?? [];
        InitializerKeys = program.InitializerKeys;
        Nodes = [.. _steps.Select(s => new OnnxNodeInfo(s.DisplayName, s.Node.OpType, s.ModuleName, s.Node.Inputs, s.Node.Outputs))];
        foreach (var (key, module) in program.Modules) register_module(key, module);

        // Each intermediate value is disposed right after the last step that reads it, keeping eval memory low.
        _lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _steps.Count; i++)
            foreach (var arg in _steps[i].Args.Where(a => a.Kind == OnnxArgKind.Value))
                _lastUse[arg.Name] = i;

        if (options.GlobalizeFinalPool) GlobalizeFinalPools();
    }

    /// <summary>Imports the ONNX model at <paramref name="path"/>.</summary>
    /// <exception cref="InputException">The file is missing, damaged, or uses an op or feature the importer lacks.</exception>
    public static OnnxModule Load(string path, OnnxImportOptions? options = null) =>
        Create(OnnxReader.Read(path), path, options);

    /// <summary>Imports an ONNX model from its bytes; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="InputException">The bytes are damaged or use an op or feature the importer lacks.</exception>
    public static OnnxModule Load(byte[] modelBytes, string sourceName, OnnxImportOptions? options = null) =>
        Create(OnnxReader.Parse(modelBytes, sourceName), sourceName, options);

    static OnnxModule Create(OnnxModelProto model, string source, OnnxImportOptions? options)
    {
        var program = OnnxGraphBuilder.Build(model, source);
        return new OnnxModule(program, options ?? new OnnxImportOptions(), Path.GetFileNameWithoutExtension(source), source);
    }

    /// <summary>The steps in execution order (the exporter writes them back as nodes).</summary>
    internal IReadOnlyList<OnnxStep> Steps => _steps;

    /// <summary>Whether the output is flattened to [N, features].</summary>
    internal bool FlattensOutput => _flatten;

    /// <summary>ONNX op types the importer supports.</summary>
    public static IReadOnlyList<string> SupportedOps => OnnxOpTable.Supported;

    /// <summary>The name of the graph's input value.</summary>
    public string InputName { get; }

    /// <summary>The name of the graph's output value.</summary>
    public string OutputName { get; }

    /// <summary>The default-domain operator-set version of the file.</summary>
    public long Opset { get; }

    /// <summary>The input shape the file declares (e.g. [1, 3, 224, 224]); null entries are symbolic sizes.</summary>
    public IReadOnlyList<long?> DeclaredInputShape { get; }

    /// <summary>The graph's nodes in execution order (Constant nodes, folded at import, are not listed).</summary>
    public IReadOnlyList<OnnxNodeInfo> Nodes { get; }

    /// <summary>For each ONNX initializer (and Constant) the importer kept: the state_dict key holding it.</summary>
    public IReadOnlyDictionary<string, string> InitializerKeys { get; }

    /// <summary>Runs the graph on <paramref name="input"/>; returns a new tensor (flattened to [N, features] if asked).</summary>
    public override Tensor forward(Tensor input)
    {
        var result = Run(input, OutputName);
        if (_flatten && result.dim() > 2)
        {
            using var unflattened = result;
            result = unflattened.flatten(1);
        }
        return result;
    }

    /// <summary>
    /// Runs the graph on <paramref name="input"/> and returns the intermediate value called <paramref name="valueName"/>
    /// (e.g. the features a classifier reads) as a new tensor, unflattened.
    /// </summary>
    /// <exception cref="ArgumentException">No node computes <paramref name="valueName"/>.</exception>
    internal Tensor ForwardTo(Tensor input, string valueName)
    {
        if (valueName != InputName && !_steps.Any(s => s.Outputs.Contains(valueName)))
            throw new ArgumentException($"no node computes '{valueName}'", nameof(valueName));
        return Run(input, [valueName], stopEarly: false)[0];
    }

    /// <summary>
    /// Runs the graph on <paramref name="input"/> only as far as needed to compute every value in
    /// <paramref name="valueNames"/> (the nodes after the last of them are skipped) and returns those values, in that
    /// order, as new unflattened tensors: the feature maps of a network's early stages cost only those stages.
    /// </summary>
    /// <exception cref="ArgumentException">No node computes one of the values.</exception>
    internal Tensor[] ForwardToValues(Tensor input, IReadOnlyList<string> valueNames)
    {
        foreach (var name in valueNames)
            if (name != InputName && !_steps.Any(s => s.Outputs.Contains(name)))
                throw new ArgumentException($"no node computes '{name}'", nameof(valueNames));
        return Run(input, valueNames, stopEarly: true);
    }

    Tensor Run(Tensor input, string target) => Run(input, [target], stopEarly: false)[0];

    Tensor[] Run(Tensor input, IReadOnlyList<string> targets, bool stopEarly)
    {
        // The scope frees every intermediate if an op throws; on success they are already disposed one by one (what is
        // left when the run stops early goes with the scope).
        using var scope = NewDisposeScope();
        var wanted = new HashSet<string>(targets, StringComparer.Ordinal);
        var last = _steps.Count - 1;
        if (stopEarly)
        {
            last = -1;
            for (int i = 0; i < _steps.Count; i++)
                if (_steps[i].Outputs.Any(wanted.Contains)) last = i;
        }
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [InputName] = input };
        for (int i = 0; i <= last; i++)
        {
            var step = _steps[i];
            var args = new Tensor?[step.Args.Length];
            for (int a = 0; a < args.Length; a++)
            {
                var arg = step.Args[a];
                args[a] = arg.Kind switch
                {
                    OnnxArgKind.Value => values[arg.Name],
                    OnnxArgKind.Constant => arg.Holder!.Get(arg.Name),
                    _ => null,
                };
            }
            Tensor[] outputs;
            try
            {
                outputs = step.Op.Run(args, training);
            }
            catch (OnnxMissingInputException e)
            {
                throw new InputException($"{_source}: node {step.DisplayName} ({step.Node.OpType}) has no input {e.Index}, which its op needs; the file is damaged or malformed.", e);
            }
            for (int o = 0; o < outputs.Length; o++)
            {
                string name = o < step.Outputs.Count ? step.Outputs[o] : "";
                if (name.Length > 0 && (_lastUse.ContainsKey(name) || wanted.Contains(name))) values[name] = outputs[o];
                else outputs[o].Dispose();
            }
            foreach (var arg in step.Args)
            {
                if (arg.Kind == OnnxArgKind.Value && _lastUse[arg.Name] == i && arg.Name != InputName && !wanted.Contains(arg.Name)
                    && values.Remove(arg.Name, out var dead))
                    dead.Dispose();
            }
        }
        var results = new Tensor[targets.Count];
        for (int t = 0; t < targets.Count; t++)
        {
            var result = values[targets[t]];
            // A value asked for twice (or the input itself) is handed out as separate tensors, each the caller's to dispose.
            if (ReferenceEquals(result, input) || results.Take(t).Any(r => ReferenceEquals(r, result))) result = result.alias();
            results[t] = result;
        }
        foreach (var result in results) result.MoveToOuterDisposeScope();
        return results;
    }

    // A pool with no convolution or pooling after it whose window equals the feature map at the file's input
    // size is a global pool written for one size (CNTK/Caffe exports); making it global keeps the same result
    // there and lets the network run at any size. The feature-map size is found by one probing forward pass.
    void GlobalizeFinalPools()
    {
        var candidates = FinalPools();
        if (candidates.Count == 0 || DeclaredInputShape.Count != 4 || DeclaredInputShape.Skip(1).Any(d => d is null)) return;
        bool wasTraining = training;
        eval();
        try
        {
            foreach (var pool in candidates) pool.Probing = true;
            using var noGrad = no_grad();
            using var probe = zeros(1, DeclaredInputShape[1]!.Value, DeclaredInputShape[2]!.Value, DeclaredInputShape[3]!.Value);
            using var _ = forward(probe);
        }
        finally
        {
            foreach (var pool in candidates) pool.Probing = false;
            train(wasTraining);
        }
        foreach (var pool in candidates.Where(p => p.CoversProbedInput)) pool.MakeGlobal();
    }

    List<PoolOp> FinalPools()
    {
        // Walk backwards, tracking which values flow into a convolution or pool later on.
        var feedsWindowOp = new HashSet<string>(StringComparer.Ordinal);
        var finals = new List<PoolOp>();
        for (int i = _steps.Count - 1; i >= 0; i--)
        {
            var step = _steps[i];
            bool isWindowOp = step.Op is PoolOp or ConvOp or ConvTransposeOp;
            bool followed = step.Outputs.Any(feedsWindowOp.Contains);
            if (step.Op is PoolOp pool && !followed) finals.Add(pool);
            if (isWindowOp || followed)
                foreach (var arg in step.Args.Where(a => a.Kind == OnnxArgKind.Value)) feedsWindowOp.Add(arg.Name);
        }
        return finals;
    }
}
