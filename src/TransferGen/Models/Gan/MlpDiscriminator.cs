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
    readonly IReadOnlyList<IReadOnlyList<nn.Module>> _blocks;   // not registered: views of main's layers

    /// <summary>Builds the discriminator for images of <paramref name="shape"/>.</summary>
    public MlpDiscriminator(ImageShape shape, GanOptions options) : base(nameof(MlpDiscriminator), shape, null, needsLabels: false)
    {
        options.Validate();
        Module<Tensor, Tensor> Dense(long cin, long cout) =>
            options.SpectralNorm ? new SpectralNorm(Linear(cin, cout), options.SpectralNormIterations) : Linear(cin, cout);
        var hidden = Dense(shape.Size, options.MlpHidden);
        var activation = LeakyReLU(0.2);
        main = Sequential(
            Flatten(),                                   // [B, C·H·W]
            hidden,                                      // [B, hidden]
            activation,
            Dense(options.MlpHidden, 1));                // [B, 1]
        _blocks = [[hidden, activation]];
        RegisterComponents();
    }

    /// <inheritdoc />
    public override IReadOnlyList<IReadOnlyList<nn.Module>> FeatureBlocks => _blocks;

    /// <inheritdoc />
    public override (Tensor Logit, Tensor? ClassLogits) forward(Tensor x, Tensor? labels)
    {
        CheckInputs(x, labels);
        return (main.call(x).reshape(-1), null);         // [B]
    }
}
