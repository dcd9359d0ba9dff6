using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Benchmarks;

// The benchmark's own minimal DCGAN for 1×32×32 images (Radford et al. 2016, pytorch/examples layout).
// TEMPORARY: replace with TransferGen.Models.Gan's DCGAN once the GAN branch is merged. Default initialisation is kept
// because the paper's N(0, 0.02) init does not change the cost of a step.

/// <summary>Benchmark-only DCGAN generator, z (nz×1×1) → 1×32×32 in [-1, 1]. To be replaced by the library's DCGAN.</summary>
public sealed class BenchGenerator : Module<Tensor, Tensor>
{
    readonly Sequential main;

    /// <summary>Builds the generator.</summary>
    /// <param name="nz">Latent length.</param>
    /// <param name="ngf">Feature maps of the last hidden layer.</param>
    public BenchGenerator(int nz, int ngf) : base(nameof(BenchGenerator))
    {
        main = Sequential(
            ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias: false), BatchNorm2d(ngf * 4), ReLU(true),      // (ngf*4)×4×4
            ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias: false), BatchNorm2d(ngf * 2), ReLU(true), // (ngf*2)×8×8
            ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias: false), BatchNorm2d(ngf), ReLU(true),         // ngf×16×16
            ConvTranspose2d(ngf, 1, 4, 2, 1, bias: false), Tanh());                                  // 1×32×32
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor z) => main.call(z);
}

/// <summary>Benchmark-only DCGAN discriminator, 1×32×32 → one logit per image. To be replaced by the library's DCGAN.</summary>
public sealed class BenchDiscriminator : Module<Tensor, Tensor>
{
    readonly Sequential main;

    /// <summary>Builds the discriminator.</summary>
    /// <param name="ndf">Feature maps of the first layer.</param>
    public BenchDiscriminator(int ndf) : base(nameof(BenchDiscriminator))
    {
        main = Sequential(
            Conv2d(1, ndf, 4, 2, 1, bias: false), LeakyReLU(0.2, true),                                   // ndf×16×16
            Conv2d(ndf, ndf * 2, 4, 2, 1, bias: false), BatchNorm2d(ndf * 2), LeakyReLU(0.2, true),       // (ndf*2)×8×8
            Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias: false), BatchNorm2d(ndf * 4), LeakyReLU(0.2, true),   // (ndf*4)×4×4
            Conv2d(ndf * 4, 1, 4, 1, 0, bias: false));                                                   // 1×1×1 logit
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => main.call(x).flatten();
}
