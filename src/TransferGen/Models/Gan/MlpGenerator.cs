using TorchSharp;
using TorchSharp.Modules;
using TransferGen.Data;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models.Gan;

/// <summary>
/// The fully connected baseline generator: z → hidden → C·H·W with tanh, reshaped to [B, C, H, W]. Works for any
/// image shape (the output layer is sized from it), unconditional. Linear layers keep TorchSharp's default init.
/// </summary>
public sealed class MlpGenerator : GanGenerator
{
    readonly Sequential main;

    /// <summary>Builds the generator for images of <paramref name="shape"/>.</summary>
    public MlpGenerator(ImageShape shape, GanOptions options) : base(nameof(MlpGenerator), shape, options.Nz, null)
    {
        options.Validate();
        main = Sequential(
            Linear(options.Nz, options.MlpHidden),       // [B, hidden]
            ReLU(),
            Linear(options.MlpHidden, shape.Size),       // [B, C·H·W]
            Tanh());
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor z, Tensor? labels)
    {
        CheckInputs(z, labels);
        return main.call(z).reshape(z.shape[0], Shape.Channels, Shape.Height, Shape.Width);   // [B, C, H, W]
    }
}
