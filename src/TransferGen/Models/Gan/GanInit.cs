using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferGen.Models.Gan;

/// <summary>The DCGAN paper's initialization: conv weights N(0, 0.02); BatchNorm γ N(1, 0.02), β 0.</summary>
internal static class GanInit
{
    /// <summary>
    /// Initializes every conv, transposed conv and BatchNorm layer inside <paramref name="module"/>, then restarts the
    /// power iteration of every <see cref="SpectralNorm"/> (children are visited first, so it sees the new weight).
    /// </summary>
    /// <remarks>Uses the global torch RNG (call torch.manual_seed for reproducible weights).</remarks>
    public static void Dcgan(nn.Module module)
    {
        using var _ = no_grad();
        module.apply(m =>
        {
            switch (m)
            {
                case Convolution conv:
                    conv.weight.normal_(0.0, 0.02);
                    break;
                case BatchNorm bn:
                    bn.weight?.normal_(1.0, 0.02);
                    bn.bias?.zero_();
                    break;
                case SpectralNorm sn:
                    sn.RestartPowerIteration();
                    break;
            }
        });
    }
}
