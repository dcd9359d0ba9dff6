using TorchSharp;
using TorchSharp.Modules;
using TransferGen.Data;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models.Gan;

/// <summary>
/// DCGAN generator (Radford et al. 2016), optionally class-conditional: z (plus a class embedding) is read as a
/// 1×1 map and grown by transposed convolutions, each followed by BatchNorm and ReLU, to a tanh image.
/// Shapes for nz = 100, ngf = 64 (B = batch, E = class embedding size or 0):
/// <list type="table">
/// <item><term>64 px</term><description>[B, nz+E, 1, 1] → [B, 512, 4, 4] → [B, 256, 8, 8] → [B, 128, 16, 16] → [B, 64, 32, 32] → [B, C, 64, 64]</description></item>
/// <item><term>32 px</term><description>[B, nz+E, 1, 1] → [B, 256, 4, 4] → [B, 128, 8, 8] → [B, 64, 16, 16] → [B, C, 32, 32]</description></item>
/// <item><term>28 px</term><description>[B, nz+E, 1, 1] → [B, 128, 7, 7] → [B, 64, 14, 14] → [B, C, 28, 28]</description></item>
/// </list>
/// </summary>
/// <remarks>
/// Conditioning concatenates a learned class embedding to z (as in conditional GANs since Mirza &amp; Osindero);
/// conditional BatchNorm is stronger but needs per-layer embeddings, more than a DCGAN-sized model benefits from.
/// State-dict keys follow pytorch/examples dcgan: <c>main.0.weight</c>, <c>main.1.running_mean</c>, ...; plus
/// <c>embed.weight</c> when conditional.
/// </remarks>
public sealed class DcganGenerator : GanGenerator
{
    readonly Embedding? embed;
    readonly Sequential main;

    /// <summary>Builds the generator for <paramref name="shape"/> (28, 32 or 64 px; 1 or 3 channels).</summary>
    /// <param name="shape">Image shape to produce.</param>
    /// <param name="classCount">Number of classes to condition on, or null for an unconditional generator.</param>
    /// <param name="options">nz, ngf and the class-embedding size.</param>
    public DcganGenerator(ImageShape shape, int? classCount, GanOptions options)
        : base(nameof(DcganGenerator), shape, options.Nz, classCount)
    {
        options.Validate();
        var layout = DcganLayout.For(shape);
        long embedDim = classCount is null ? 0 : options.ClassEmbeddingDim;
        if (classCount is int k) embed = Embedding(k, embedDim);                           // [B] → [B, E]

        var layers = new List<Module<Tensor, Tensor>>();
        long channels = (long)options.Ngf * layout.DeepestMultiplier;
        // input is z (+ embedding) as a 1×1 map: [B, nz+E, 1, 1]
        layers.Add(ConvTranspose2d(options.Nz + embedDim, channels, layout.BaseSize, stride: 1, padding: 0, bias: false));
        layers.Add(BatchNorm2d(channels));
        layers.Add(ReLU());
        // state: [B, ngf·2^(n−1), base, base]
        for (var i = 1; i < layout.Upsamplings; i++)
        {
            layers.Add(ConvTranspose2d(channels, channels / 2, 4, stride: 2, padding: 1, bias: false));
            layers.Add(BatchNorm2d(channels / 2));
            layers.Add(ReLU());
            channels /= 2;
            // state: channels halve and the map doubles, ending at [B, ngf, S/2, S/2]
        }
        layers.Add(ConvTranspose2d(channels, shape.Channels, 4, stride: 2, padding: 1, bias: false));
        layers.Add(Tanh());
        // output: [B, C, S, S] in [-1, 1]
        main = Sequential(layers);

        RegisterComponents();
        GanInit.Dcgan(this);   // after registration: apply() walks the registered submodules
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor z, Tensor? labels)
    {
        CheckInputs(z, labels);
        var input = embed is null ? z : cat(new[] { z, embed.call(labels!) }, 1);        // [B, nz+E]
        return main.call(input.reshape(input.shape[0], input.shape[1], 1, 1));            // [B, C, S, S]
    }
}
