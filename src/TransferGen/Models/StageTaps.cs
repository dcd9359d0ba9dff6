using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using TransferGen.Interop.Onnx;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models;

/// <summary>
/// The feature maps at the ends of chosen stages of a frozen backbone, computed in one pass that stops after the
/// deepest of them (later stages cost nothing). The backbone's parameters never require gradients and it stays in eval
/// mode whatever <see cref="train"/> is told (its BatchNorm layers keep their statistics), yet gradients flow through
/// it to its input. State-dict keys: <c>backbone.*</c>, the backbone's own.
/// </summary>
/// <remarks>
/// Two kinds of backbone can be tapped: an imported ONNX graph (the ImageNet ResNet18), whose nodes are assigned to
/// stages by the modules holding their weights, and a backbone that runs its named children in order (TorchVision's
/// ResNets), whose children are assigned to stages by name. A node or child without weights (ReLU, max-pool, a
/// residual Add) belongs to the stage before it; a trailing average pool or flatten ends the last stage.
/// </remarks>
internal sealed class StageTaps : Module
{
    static readonly HashSet<string> OnnxHeadOps = new(StringComparer.Ordinal) { "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Flatten", "Reshape", "Gemm", "MatMul" };

    readonly Module<Tensor, Tensor> backbone;
    readonly Func<Tensor, Tensor[]> _run;
    readonly int[] _stageIndices;

    StageTaps(BackboneSpec spec, Module<Tensor, Tensor> backbone, IReadOnlyList<string> stages) : base(nameof(StageTaps))
    {
        Spec = spec;
        Stages = stages.ToArray();
        _stageIndices = stages.Select(name => IndexOf(spec, name)).ToArray();
        this.backbone = backbone;
        _run = backbone switch
        {
            OnnxModule onnx => OnnxTaps(onnx),
            _ => SequentialTaps(backbone),
        };
        RegisterComponents();
        foreach (var p in backbone.parameters()) p.requires_grad = false;
        base.train(false);
    }

    /// <summary>
    /// Taps <paramref name="stages"/> (names from <paramref name="spec"/>'s stages, in forward order) of
    /// <paramref name="backbone"/>, which this object owns from now on. An <see cref="InputException"/> when a stage is
    /// unknown or the backbone cannot be cut into its stages.
    /// </summary>
    public static StageTaps Create(BackboneSpec spec, Module<Tensor, Tensor> backbone, IReadOnlyList<string> stages)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(backbone);
        if (stages.Count == 0) throw new ArgumentException("at least one stage must be tapped", nameof(stages));
        return new StageTaps(spec, backbone, stages);
    }

    /// <summary>The backbone's registry entry.</summary>
    public BackboneSpec Spec { get; }

    /// <summary>The tapped stages, in forward order.</summary>
    public IReadOnlyList<string> Stages { get; }

    /// <summary>The tapped backbone.</summary>
    public Module<Tensor, Tensor> Backbone => backbone;

    /// <summary>The feature map at the end of each tapped stage, float [B, C_s, H_s, W_s], for a prepared input [B, C, H, W].</summary>
    public Tensor[] Forward(Tensor input) => _run(input);

    /// <summary>Stays in eval mode: the frozen BatchNorm layers keep their statistics while the discriminator trains.</summary>
    public override void train(bool on = true) => base.train(false);

    /// <summary>The shapes [C, H, W] of the tapped maps for a <paramref name="channels"/>×<paramref name="size"/>×<paramref name="size"/> input (one probing pass).</summary>
    public IReadOnlyList<long[]> ProbeShapes(int channels, int size)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var maps = Forward(zeros(1, channels, size, size, device: Device()));
        return maps.Select(m => new[] { m.shape[1], m.shape[2], m.shape[3] }).ToList();
    }

    /// <summary>
    /// True when the backbone's state-dict key <paramref name="key"/> is used by the tapped stages: it belongs to the
    /// deepest tapped stage or an earlier one, or to no stage at all (kept to be safe).
    /// </summary>
    public bool IsUsed(string key)
    {
        var deepest = _stageIndices.Max();
        for (var s = 0; s < Spec.Stages.Count; s++)
            if (Spec.Stages[s].Contains(key)) return s <= deepest;
        return true;
    }

    /// <summary>The backbone's state that the tapped stages use, by key (the backbone's own keys, without <c>backbone.</c>).</summary>
    public IEnumerable<(string Key, Tensor Value)> UsedState() =>
        backbone.state_dict().Where(kv => IsUsed(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value));

    /// <summary>
    /// SHA-256 (hex) of the used state's keys and bytes: the same for the same frozen weights, so a resume can check that
    /// it rebuilt the backbone the run trained against.
    /// </summary>
    public string Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, value) in UsedState())
        {
            hash.AppendData(Encoding.UTF8.GetBytes(key));
            using var cpu = value.detach().cpu().contiguous();
            hash.AppendData(cpu.bytes);
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Copies the used state of <paramref name="source"/> (a backbone of the same architecture) into this backbone.</summary>
    public void CopyUsedStateFrom(Module<Tensor, Tensor> source)
    {
        var from = source.state_dict();
        using var noGrad = no_grad();
        foreach (var (key, value) in UsedState())
        {
            if (!from.TryGetValue(key, out var other) || !other.shape.SequenceEqual(value.shape))
                throw new InputException($"The backbone '{Spec.Name}' does not fit the discriminator's copy of its architecture (at '{key}').");
            value.copy_(other);
        }
    }

    Device Device() => backbone.parameters().FirstOrDefault()?.device ?? CPU;

    static int IndexOf(BackboneSpec spec, string name)
    {
        for (var i = 0; i < spec.Stages.Count; i++)
            if (spec.Stages[i].Name == name) return i;
        throw new InputException($"Backbone '{spec.Name}' has no stage '{name}' (its stages are: {string.Join(", ", spec.Stages.Select(s => s.Name))}).");
    }

    /// <summary>The stage a module called <paramref name="module"/> (a child or an ONNX node's weight holder) belongs to; null for none.</summary>
    int? StageOfModule(string module)
    {
        int? found = null;
        for (var s = 0; s < Spec.Stages.Count; s++)
        {
            var prefixes = Spec.Stages[s].Prefixes;
            var owns = Spec.Stages[s].Contains(module);
            var contains = prefixes.Any(p => p.StartsWith(module + ".", StringComparison.Ordinal));
            if (!owns && !contains) continue;
            // A child that holds the layers of two stages (VGG's one `features` Sequential) cannot be cut between them.
            if (found is not null && !owns)
                throw new InputException($"Backbone '{Spec.Name}' keeps several stages in its part '{module}', so its stages cannot be tapped separately.");
            found ??= s;
        }
        return found;
    }

    /// <summary>For each tapped stage, the position of the last item (node or child) that belongs to it.</summary>
    int[] StageEnds(IReadOnlyList<(string? Module, bool IsHead)> items)
    {
        var lastOf = new int?[Spec.Stages.Count];
        var current = -1;
        for (var i = 0; i < items.Count; i++)
        {
            var (module, isHead) = items[i];
            if (module is not null && StageOfModule(module) is int s)
            {
                if (s < current)
                    throw new InputException($"Backbone '{Spec.Name}' runs its stages out of order ('{module}' of {Spec.Stages[s].Name} after {Spec.Stages[current].Name}), so they cannot be tapped.");
                current = s;
                lastOf[s] = i;
            }
            else if (isHead) break;
            else if (current >= 0) lastOf[current] = i;
        }
        return _stageIndices.Select(s => lastOf[s]
            ?? throw new InputException($"Backbone '{Spec.Name}' has no layers in its stage '{Spec.Stages[s].Name}' to tap.")).ToArray();
    }

    Func<Tensor, Tensor[]> OnnxTaps(OnnxModule onnx)
    {
        var nodes = onnx.Nodes;
        var ends = StageEnds(nodes.Select(n => (n.ModuleName, OnnxHeadOps.Contains(n.OpType))).ToList());
        var values = ends.Select(i => nodes[i].Outputs[0]).ToArray();
        return input => onnx.ForwardToValues(input, values);
    }

    Func<Tensor, Tensor[]> SequentialTaps(Module<Tensor, Tensor> sequential)
    {
        var children = sequential.named_children().ToList();
        if (children.Count == 0)
            throw new InputException($"Backbone '{Spec.Name}' is not built from parts run in order, so its stages cannot be tapped (tap an imported ONNX network or a ResNet).");
        var layers = children.Select(c => c.module as Module<Tensor, Tensor>
            ?? throw new InputException($"Backbone '{Spec.Name}' has a part '{c.name}' that is not an image-to-image layer, so its stages cannot be tapped.")).ToArray();
        var ends = StageEnds(children.Select(c => ((string?)c.name,
            c.module is TorchSharp.Modules.AdaptiveAvgPool2d or TorchSharp.Modules.AvgPool2d or TorchSharp.Modules.Flatten)).ToList());
        var last = ends.Max();
        return input =>
        {
            using var scope = NewDisposeScope();
            var outputs = new Tensor[ends.Length];
            var x = input;
            for (var i = 0; i <= last; i++)
            {
                x = layers[i].call(x);
                for (var t = 0; t < ends.Length; t++)
                    if (ends[t] == i) outputs[t] = x;
            }
            for (var t = 0; t < outputs.Length; t++)
            {
                // The same map tapped twice, or the input itself, goes out as separate tensors.
                if (ReferenceEquals(outputs[t], input) || outputs.Take(t).Any(o => ReferenceEquals(o, outputs[t]))) outputs[t] = outputs[t].alias();
            }
            foreach (var o in outputs) o.MoveToOuterDisposeScope();
            return outputs;
        };
    }
}
