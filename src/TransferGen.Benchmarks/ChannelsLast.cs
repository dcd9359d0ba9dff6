using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferGen.Benchmarks;

/// <summary>
/// Channels-last (NHWC) memory order. TorchSharp 0.107 has the <c>memory_format</c> enum but no method that takes it,
/// so the layout is made by hand: an NCHW-shaped tensor allocated with NHWC strides, then filled.
/// </summary>
public static class ChannelsLast
{
    /// <summary>A copy of a 4-d tensor in channels-last order (same shape and values).</summary>
    /// <remarks>
    /// The copy is a fresh tensor, not a permuted view of one: autograd forbids in-place updates (optimizer steps)
    /// of a view made under no_grad, and a parameter must be its own storage anyway.
    /// </remarks>
    public static Tensor Of(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4) throw new ArgumentException($"channels-last needs a 4-d tensor, got {x.dim()}-d", nameof(x));
        long c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var y = torch.empty_strided(x.shape, [h * w * c, 1, w * c, c], dtype: x.dtype, device: x.device);
        using (torch.no_grad()) y.copy_(x);
        return y;
    }

    /// <summary>True when <paramref name="x"/> is 4-d and its strides are those of channels-last order.</summary>
    public static bool Is(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4) return false;
        var s = x.stride();
        var c = x.shape[1];
        var w = x.shape[3];
        return s[1] == 1 && s[3] == c && s[2] == c * w;
    }

    /// <summary>
    /// Re-stores the weight of every 2-d convolution in <paramref name="module"/> in channels-last order (values
    /// unchanged). Call before creating an optimizer: the parameters are replaced, not edited in place.
    /// </summary>
    public static void Convert(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        // TorchSharp's modules() lists descendants only, so the module itself is added.
        foreach (var m in module.modules().Prepend(module).Distinct())
        {
            switch (m)
            {
                case Conv2d conv:
                    conv.weight = Keep(new Parameter(Of(conv.weight!)));
                    break;
                case ConvTranspose2d convT:
                    convT.weight = Keep(new Parameter(Of(convT.weight!)));
                    break;
            }
        }
    }

    // The new parameter belongs to the module, not to the scope that frees the layout intermediates.
    static Parameter Keep(Parameter p)
    {
        p.DetachFromDisposeScope();
        return p;
    }
}
