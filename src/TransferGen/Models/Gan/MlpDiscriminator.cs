using TorchSharp;
using TorchSharp.Modules;
using TransferGen.Data;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models.Gan;

/// <summary>
/// The fully connected baseline discriminator: flatten → hidden (LeakyReLU 0.2) → one logit per image.
/// Unconditional; honours <see cref="GanOptions.SpectralNorm"/>.
/// </summary>
public sealed class MlpDiscriminator : GanDiscriminator
{
    readonly Sequential main;

    /// <summary>Builds the discriminator for images of <paramref name="shape"/>.</summary>
    public MlpDiscriminator(ImageShape shape, GanOptions options) : base(nameof(MlpDiscriminator), shape, null, needsLabels: false)
    {
        options.Validate();
        Module<Tensor, Tensor> Dense(long cin, long cout) =>
            options.SpectralNorm ? new SpectralNorm(Linear(cin, cout), options.SpectralNormIterations) : Linear(cin, cout);
        main = Sequential(
            Flatten(),                                   // [B, C·H·W]
            Dense(shape.Size, options.MlpHidden),        // [B, hidden]
            LeakyReLU(0.2),
            Dense(options.MlpHidden, 1));                // [B, 1]
        RegisterComponents();
    }

    /// <inheritdoc />
    public override (Tensor Logit, Tensor? ClassLogits) forward(Tensor x, Tensor? labels)
    {
        CheckInputs(x, labels);
        return (main.call(x).reshape(-1), null);         // [B]
    }
}
