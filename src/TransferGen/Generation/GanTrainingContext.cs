using TransferGen.Models.Gan;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>
/// The training context of a GAN run: the generator, the discriminator and the EMA generator, typed, and registered as
/// the modules "g", "d" and "ema_g"; their optimisers as "g" and "d"; the latent draws' generator as "latent".
/// </summary>
public sealed class GanTrainingContext : TrainingContext
{
    /// <summary>A context training <paramref name="g"/> against <paramref name="d"/> on <paramref name="device"/>.</summary>
    public GanTrainingContext(GanGenerator g, GanDiscriminator d, GanGenerator emaG, Device? device = null) : base(device)
    {
        G = g;
        D = d;
        EmaG = emaG;
        AddModule("g", g);
        AddModule("d", d);
        AddModule("ema_g", emaG);
    }

    /// <summary>The generator being trained.</summary>
    public GanGenerator G { get; }

    /// <summary>The discriminator.</summary>
    public GanDiscriminator D { get; }

    /// <summary>The exponential moving average of <see cref="G"/>: what samples, grids and model.pt use.</summary>
    public GanGenerator EmaG { get; }
}
