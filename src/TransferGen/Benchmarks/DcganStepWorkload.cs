using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TransferGen.Data;
using TransferGen.Models.Gan;

namespace TransferGen.Benchmarks;

/// <summary>
/// (W3) One DCGAN training step at 1×32×32, batch 128, nz 100, ngf = ndf = 64: one discriminator update then one
/// generator update with the non-saturating loss and Adam (2e-4, betas 0.5/0.999), as in pytorch/examples' dcgan.
/// Throughput counts the real images of the batch.
/// </summary>
/// <remarks>
/// The networks are <see cref="GanFactory"/>'s DCGAN, the models `gan train --arch dcgan` trains, so the number measures
/// what users run; the step itself is spelled out here so the variants (input reuse, gradient zeroing) can be compared.
/// </remarks>
public sealed class DcganStepWorkload : IThroughputWorkload
{
    /// <summary>The standard batch of W3.</summary>
    public const int StandardBatch = 128;

    /// <summary>Length of the latent vector.</summary>
    public const int Nz = 100;

    const int Features = 64; // ngf = ndf

    readonly GanGenerator generator;
    readonly GanDiscriminator discriminator;
    readonly optim.Optimizer optimizerG;
    readonly optim.Optimizer optimizerD;
    readonly WorkloadOptions options;
    readonly Tensor real;
    readonly Tensor? noise;

    /// <summary>Builds both networks, their optimizers and the batch of "real" images.</summary>
    public DcganStepWorkload(WorkloadOptions? options = null)
    {
        this.options = options ?? new WorkloadOptions();
        BatchSize = this.options.BatchSize ?? StandardBatch;
        if (this.options.ImageSize is { } s && s != 32) throw new ArgumentException("the benchmark DCGAN is built for 32×32 images", nameof(options));
        torch.manual_seed(this.options.Seed);
        (generator, discriminator) = GanFactory.Create("dcgan", new ImageShape(1, 32, 32), 0,
            new GanOptions { Nz = Nz, Ngf = Features, Ndf = Features });
        if (this.options.ChannelsLast)
        {
            ChannelsLast.Convert(generator);
            ChannelsLast.Convert(discriminator);
        }
        optimizerG = optim.Adam(generator.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
        optimizerD = optim.Adam(discriminator.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
        using var scope = NewDisposeScope();
        // The real batch stands in for a data loader's output and is always reused: loading is not what W3 measures.
        real = Layout(torch.rand(BatchSize, 1, 32, 32).mul_(2).sub_(1)).DetachFromDisposeScope();
        if (this.options.ReuseInputs) noise = torch.randn(BatchSize, Nz).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public string Name => "dcgan_step";

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public void Step()
    {
        // Fresh noise every step, as in training; refilled in place when inputs are reused.
        var z = noise is null ? torch.randn(BatchSize, Nz) : noise.normal_();

        // Update D: softplus(-D(x)) + softplus(D(G(z))) is the non-saturating BCE loss on logits, without a sigmoid layer.
        ZeroGrad(discriminator, optimizerD);
        var fake = generator.Generate(z, null);
        var lossD = functional.softplus(-discriminator.Forward(real, null).Logit).mean()
                    + functional.softplus(discriminator.Forward(fake.detach(), null).Logit).mean();
        lossD.backward();
        optimizerD.step();

        // Update G: maximise log D(G(z)), i.e. minimise softplus(-D(G(z))); D's gradients from this pass are dropped next step.
        ZeroGrad(generator, optimizerG);
        var lossG = functional.softplus(-discriminator.Forward(fake, null).Logit).mean();
        lossG.backward();
        optimizerG.step();
    }

    void ZeroGrad(Module module, optim.Optimizer optimizer)
    {
        if (options.GradientsToNone) module.zero_grad(set_to_none: true);
        else optimizer.zero_grad();
    }

    Tensor Layout(Tensor x) => options.ChannelsLast ? ChannelsLast.Of(x) : x;

    /// <inheritdoc />
    public void Dispose()
    {
        real.Dispose();
        noise?.Dispose();
        optimizerG.Dispose();
        optimizerD.Dispose();
        generator.Dispose();
        discriminator.Dispose();
    }
}
