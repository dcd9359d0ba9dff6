using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TransferGen.Models.Gan;

/// <summary>
/// Spectral normalization (Miyato et al. 2018) of a Conv2d or Linear layer: the layer runs with W / σ(W), where
/// σ(W) is the largest singular value of W reshaped to [out, in·kh·kw], estimated by power iteration. That makes the
/// layer 1-Lipschitz, which keeps a discriminator's gradients bounded without a penalty term.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 ships no spectral_norm, and its modules have no forward-pre-hooks that could swap the weight,
/// so this wrapper keeps the original layer (its weight and bias are the trained parameters, state-dict keys
/// <c>module.weight</c>, <c>module.bias</c>) and calls the functional op with the normalized weight. The singular
/// vectors are persistent buffers (<c>weight_u</c>, <c>weight_v</c>) so a resumed run continues the same estimate.
/// They are updated only in training mode, as in PyTorch.
/// </remarks>
public sealed class SpectralNorm : nn.Module<Tensor, Tensor>
{
    // Guards the normalizations against a zero vector (an all-zero weight).
    const double Eps = 1e-12;

    // Iterations at (re)start: a random u is far from the top singular vector, and one iteration per step would
    // leave σ badly underestimated for the first few hundred steps.
    const int WarmupIterations = 15;

    readonly nn.Module<Tensor, Tensor> module;
    readonly Tensor weight_u;   // [out]
    readonly Tensor weight_v;   // [in·kh·kw]
    readonly int _iterations;

    /// <summary>Wraps <paramref name="layer"/> (a Conv2d with numeric zero padding, or a Linear).</summary>
    /// <param name="layer">The layer to normalize; this wrapper owns it from now on.</param>
    /// <param name="iterations">Power iterations per training forward (1 is standard).</param>
    /// <param name="generator">Random source for the initial u; the global one when null.</param>
    public SpectralNorm(nn.Module<Tensor, Tensor> layer, int iterations = 1, Generator? generator = null) : base(nameof(SpectralNorm))
    {
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), "at least one power iteration is needed");
        if (layer is Conv2d conv && (conv.padding is null || conv.padding_mode != PaddingModes.Zeros))
            throw new ArgumentException("only Conv2d layers with numeric zero padding can be wrapped", nameof(layer));
        if (layer is not (Conv2d or Linear))
            throw new ArgumentException($"spectral norm supports Conv2d and Linear, not {layer.GetType().Name}", nameof(layer));

        module = layer;
        _iterations = iterations;
        var weight = WeightOf(layer);
        // Detached: the buffers live as long as the module, even if it is built inside someone's dispose scope.
        weight_u = zeros(new[] { weight.shape[0] }, dtype: weight.dtype, device: weight.device).DetachFromDisposeScope();
        weight_v = zeros(new[] { weight.numel() / weight.shape[0] }, dtype: weight.dtype, device: weight.device).DetachFromDisposeScope();
        RestartPowerIteration(generator);
        RegisterComponents();
    }

    /// <summary>
    /// Draws a fresh random u and runs a burst of power iterations on the current weight. Call after re-initializing
    /// or loading the weight by other means than a state dict (which restores u and v too).
    /// </summary>
    public void RestartPowerIteration(Generator? generator = null)
    {
        var weight = WeightOf(module);
        using (no_grad())
        using (NewDisposeScope())
        {
            var matrix = weight.detach().reshape(weight.shape[0], -1);
            var u = F.normalize(randn(new[] { matrix.shape[0] }, dtype: weight.dtype, device: weight.device, generator: generator), dim: 0, eps: Eps);
            var (uu, vv) = PowerIterate(matrix, u, WarmupIterations);
            weight_u.copy_(uu);
            weight_v.copy_(vv);
        }
    }

    /// <summary>The wrapped layer (its weight is the unnormalized parameter).</summary>
    public nn.Module<Tensor, Tensor> Layer => module;

    /// <summary>
    /// The weight the layer runs with, W / σ(W). In training mode this first advances the power iteration (updating
    /// the persistent u and v); the result carries gradients to W through σ.
    /// </summary>
    public Tensor NormalizedWeight()
    {
        var weight = WeightOf(module);
        var matrix = weight.reshape(weight.shape[0], -1);                   // [out, in·kh·kw]
        if (training)
        {
            using (no_grad())
            {
                var (u, v) = PowerIterate(matrix.detach(), weight_u, _iterations);
                weight_u.copy_(u);
                weight_v.copy_(v);
            }
        }
        // Clones: a later forward updates the buffers in place, and autograd must still see this call's vectors
        // (a discriminator runs on real and fake batches before one backward).
        var uc = weight_u.clone();
        var vc = weight_v.clone();
        var sigma = uc.dot(matrix.mv(vc));                                // scalar σ(W) estimate
        return weight / sigma;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var weight = NormalizedWeight();
        return module switch
        {
            Conv2d c => F.conv2d(input, weight, c.bias, c.stride, c.padding, c.dilation, c.groups),
            Linear l => F.linear(input, weight, l.bias),
            _ => throw new InvalidOperationException("unreachable: checked in the constructor"),
        };
    }

    static Parameter WeightOf(nn.Module<Tensor, Tensor> layer) => layer switch
    {
        Conv2d c => c.weight,
        Linear l => l.weight,
        _ => throw new ArgumentException($"spectral norm supports Conv2d and Linear, not {layer.GetType().Name}", nameof(layer)),
    };

    // v ← normalize(Wᵀu), u ← normalize(Wv), repeated; converges to the top singular pair.
    static (Tensor U, Tensor V) PowerIterate(Tensor matrix, Tensor u, int iterations)
    {
        Tensor v = u;
        for (var i = 0; i < iterations; i++)
        {
            v = F.normalize(matrix.t().mv(u), dim: 0, eps: Eps);
            u = F.normalize(matrix.mv(v), dim: 0, eps: Eps);
        }
        return (u, v);
    }
}
