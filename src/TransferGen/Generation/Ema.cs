using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>
/// An exponential moving average of a module's weights (Karras et al.; Yazıcı et al. 2019): after each training
/// step, shadow ← decay·shadow + (1 − decay)·source for every parameter, and buffers (BatchNorm statistics, spectral
/// norm vectors) are copied as they are. Sampling from the shadow generator gives steadier, usually better images
/// than the raw one.
/// </summary>
/// <remarks>The tensors are paired once, at construction: move both modules to their device before creating this.</remarks>
/// <typeparam name="TModule">The module type, so <see cref="Shadow"/> keeps it (e.g. a GanGenerator).</typeparam>
public sealed class Ema<TModule> where TModule : nn.Module
{
    readonly (Tensor Source, Tensor Shadow)[] _parameters;
    readonly (Tensor Source, Tensor Shadow)[] _buffers;

    /// <summary>
    /// Starts the average at the source's current weights.
    /// </summary>
    /// <param name="source">The module being trained.</param>
    /// <param name="shadow">A module of the same architecture that will hold the average (e.g. from
    /// GanFactory.CreateGenerator); its current weights are overwritten, and its parameters stop requiring gradients.</param>
    /// <param name="decay">Weight of the old average per update, in [0, 1). Default 0.999: an average over roughly
    /// the last 1000 steps.</param>
    public Ema(TModule source, TModule shadow, double decay = 0.999)
    {
        if (!(decay >= 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "decay must be in [0, 1)");
        if (ReferenceEquals(source, shadow)) throw new ArgumentException("the shadow must be a separate module", nameof(shadow));
        Source = source;
        Shadow = shadow;
        Decay = decay;
        _parameters = Pair(source.named_parameters().Select(p => ((string, Tensor))p), shadow.named_parameters().Select(p => ((string, Tensor))p), "parameter");
        _buffers = Pair(source.named_buffers(), shadow.named_buffers(), "buffer");
        foreach (var (_, s) in _parameters) s.requires_grad_(false);
        CopyFromSource();
    }

    /// <summary>The module being trained.</summary>
    public TModule Source { get; }

    /// <summary>The averaged module: sample and evaluate with this one.</summary>
    public TModule Shadow { get; }

    /// <summary>Weight of the old average per update.</summary>
    public double Decay { get; }

    /// <summary>Number of <see cref="Update()"/> calls since construction or the last <see cref="CopyFromSource"/>.</summary>
    public long Updates { get; private set; }

    /// <summary>Moves the average towards the source's current weights; call after each generator update.</summary>
    public void Update() => Update(Decay);

    /// <summary>
    /// Moves the average towards the source with an explicit <paramref name="decay"/> for this update, e.g. a warm-up
    /// schedule that starts low so the average is not dominated by the random initial weights for thousands of steps.
    /// </summary>
    public void Update(double decay)
    {
        if (!(decay >= 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "decay must be in [0, 1)");
        using var _ = no_grad();
        foreach (var (source, shadow) in _parameters) shadow.mul_(decay).add_(source, alpha: 1.0 - decay);
        foreach (var (source, shadow) in _buffers) shadow.copy_(source);
        Updates++;
    }

    /// <summary>Sets the shadow to exactly the source's weights (start, or restart after loading weights).</summary>
    public void CopyFromSource()
    {
        using var _ = no_grad();
        foreach (var (source, shadow) in _parameters) shadow.copy_(source);
        foreach (var (source, shadow) in _buffers) shadow.copy_(source);
        Updates = 0;
    }

    // Pairs tensors by state-dict name once: updates then touch no dictionaries, and a mismatched shadow fails here.
    static (Tensor, Tensor)[] Pair(IEnumerable<(string, Tensor)> source, IEnumerable<(string, Tensor)> shadow, string kind)
    {
        var shadowByName = shadow.ToDictionary(p => p.Item1, p => p.Item2);
        var pairs = new List<(Tensor, Tensor)>();
        foreach (var (name, tensor) in source)
        {
            if (!shadowByName.Remove(name, out var copy))
                throw new ArgumentException($"the shadow module has no {kind} '{name}'", nameof(shadow));
            if (!copy.shape.SequenceEqual(tensor.shape))
                throw new ArgumentException($"{kind} '{name}' is [{string.Join(", ", tensor.shape)}] in the source but [{string.Join(", ", copy.shape)}] in the shadow", nameof(shadow));
            pairs.Add((tensor, copy));
        }
        if (shadowByName.Count > 0)
            throw new ArgumentException($"the shadow module has extra {kind}s: {string.Join(", ", shadowByName.Keys)}", nameof(shadow));
        return pairs.ToArray();
    }
}
