using TorchSharp;
using TorchSharp.Modules;
using TransferGen.Data;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models.Gan;

/// <summary>
/// DCGAN discriminator (Radford et al. 2016): stride-2 4×4 convolutions with LeakyReLU(0.2) (and BatchNorm on all
/// but the first) shrink the image to a base×base feature map φ(x); a final base×base convolution ψ gives one logit.
/// Optionally class-conditional, as a projection discriminator or with an AC-GAN head (see
/// <see cref="ConditionalDiscriminator"/>). Shapes for ndf = 64 (B = batch):
/// <list type="table">
/// <item><term>64 px</term><description>[B, C, 64, 64] → [B, 64, 32, 32] → [B, 128, 16, 16] → [B, 256, 8, 8] → [B, 512, 4, 4] → [B]</description></item>
/// <item><term>32 px</term><description>[B, C, 32, 32] → [B, 64, 16, 16] → [B, 128, 8, 8] → [B, 256, 4, 4] → [B]</description></item>
/// <item><term>28 px</term><description>[B, C, 28, 28] → [B, 64, 14, 14] → [B, 128, 7, 7] → [B]</description></item>
/// </list>
/// </summary>
/// <remarks>
/// φ(x) is the flattened last feature map, so ψ is exactly DCGAN's last convolution (a linear map of the whole map)
/// and the projection term is ⟨embed(y), flatten(φ(x))⟩ with an embedding of size F·base·base. The AC-GAN head is
/// a second base×base convolution with K outputs. State-dict keys: <c>main.*</c> (as pytorch/examples dcgan),
/// <c>out.*</c>, and <c>embed.weight</c> or <c>classifier.*</c>.
/// </remarks>
public sealed class DcganDiscriminator : GanDiscriminator
{
    readonly Sequential main;
    readonly Module<Tensor, Tensor> @out;
    readonly Embedding? embed;                  // projection: [K, F·base·base]
    readonly Module<Tensor, Tensor>? classifier;  // AC-GAN: F → K
    readonly List<IReadOnlyList<nn.Module>> _blocks = [];   // not registered: views of main's layers

    /// <summary>Builds the discriminator for <paramref name="shape"/> (28, 32 or 64 px; 1 or 3 channels).</summary>
    /// <param name="shape">Image shape to judge.</param>
    /// <param name="classCount">Number of classes, or null for an unconditional discriminator.</param>
    /// <param name="options">ndf, BatchNorm, spectral norm and the conditioning kind.</param>
    public DcganDiscriminator(ImageShape shape, int? classCount, GanOptions options)
        : base(nameof(DcganDiscriminator), shape, classCount,
            needsLabels: classCount is not null && options.Conditioning == ConditionalDiscriminator.Projection)
    {
        options.Validate();
        var layout = DcganLayout.For(shape);
        var batchNorm = options.UseDiscriminatorBatchNorm;
        Module<Tensor, Tensor> Conv(long cin, long cout, long kernel, long stride, long padding, bool bias) =>
            MaybeSpectral(Conv2d(cin, cout, kernel, stride: stride, padding: padding, bias: bias), options);

        var layers = new List<Module<Tensor, Tensor>>();
        long channels = options.Ndf;
        // input: [B, C, S, S]
        layers.Add(Conv(shape.Channels, channels, 4, 2, 1, bias: true));
        layers.Add(LeakyReLU(0.2));
        _blocks.Add([.. layers]);
        // state: [B, ndf, S/2, S/2]
        for (var i = 1; i < layout.Upsamplings; i++)
        {
            layers.Add(Conv(channels, channels * 2, 4, 2, 1, bias: !batchNorm));   // BatchNorm's β replaces the bias
            if (batchNorm) layers.Add(BatchNorm2d(channels * 2));
            layers.Add(LeakyReLU(0.2));
            _blocks.Add([.. layers.Skip(_blocks.Sum(b => b.Count))]);
            channels *= 2;
            // state: channels double and the map halves, ending at φ(x): [B, ndf·2^(n−1), base, base]
        }
        main = Sequential(layers);
        @out = Conv(channels, 1, layout.BaseSize, 1, 0, bias: true);                   // [B, 1, 1, 1]

        if (classCount is int k)
        {
            if (options.Conditioning == ConditionalDiscriminator.Projection)
                embed = Embedding(k, channels * layout.BaseSize * layout.BaseSize);     // [B] → [B, F·base·base]
            else
                classifier = Conv(channels, k, layout.BaseSize, 1, 0, bias: true);     // [B, K, 1, 1]
        }

        RegisterComponents();
        GanInit.Dcgan(this);   // after registration: apply() walks the registered submodules
        if (embed is not null)
        {
            // Small projection weights at the start, so the class term does not swamp ψ before D has learned φ.
            using var _ = no_grad();
            using var weight = embed.weight!;
            weight.normal_(0.0, 0.02);
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<IReadOnlyList<nn.Module>> FeatureBlocks => _blocks;

    /// <inheritdoc />
    public override (Tensor Logit, Tensor? ClassLogits) forward(Tensor x, Tensor? labels)
    {
        CheckInputs(x, labels);
        var features = main.call(x);                                               // φ(x): [B, F, base, base]
        var logit = @out.call(features).reshape(-1);                               // ψ(φ(x)): [B]
        if (embed is not null)
            logit = logit + (embed.call(labels!) * features.flatten(1)).sum(1);     // + ⟨embed(y), φ(x)⟩: [B]
        var classLogits = classifier?.call(features).flatten(1);                   // [B, K]
        return (logit, classLogits);
    }

    static Module<Tensor, Tensor> MaybeSpectral(Conv2d conv, GanOptions options) =>
        options.SpectralNorm ? new SpectralNorm(conv, options.SpectralNormIterations) : conv;
}
