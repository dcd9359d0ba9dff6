using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Benchmarks;

/// <summary>
/// (W3) One DCGAN training step at 1×32×32, batch 128, nz 100, ngf = ndf = 64: one discriminator update then one
/// generator update with the non-saturating loss and Adam (2e-4, betas 0.5/0.999), as in pytorch/examples' dcgan.
/// Throughput counts the real images of the batch.
/// </summary>
/// <remarks>
/// The networks are the benchmark's own minimal copies (<see cref="BenchGenerator"/>, <see cref="BenchDiscriminator"/>)
/// so this benchmark does not wait for the GAN branch; swap them for <c>TransferGen.Models.Gan</c>'s DCGAN when that
/// is merged, so that the number measures the models users train.
/// </remarks>
public sealed class DcganStepWorkload : IThroughputWorkload
{
    /// <summary>The standard batch of W3.</summary>
    public const int StandardBatch = 128;

    /// <summary>Length of the latent vector.</summary>
    public const int Nz = 100;

    const int Features = 64; // ngf = ndf

    readonly BenchGenerator generator;
    readonly BenchDiscriminator discriminator;
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
        generator = new BenchGenerator(Nz, Features);
        discriminator = new BenchDiscriminator(Features);
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
        if (this.options.ReuseInputs) noise = Layout(torch.randn(BatchSize, Nz, 1, 1)).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public string Name => "dcgan_step";

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public void Step()
    {
        // Fresh noise every step, as in training; refilled in place when inputs are reused.
        var z = noise is null ? Layout(torch.randn(BatchSize, Nz, 1, 1)) : noise.normal_();

        // Update D: softplus(-D(x)) + softplus(D(G(z))) is the non-saturating BCE loss on logits, without a sigmoid layer.
        ZeroGrad(discriminator, optimizerD);
        var fake = generator.call(z);
        var lossD = functional.softplus(-discriminator.call(real)).mean() + functional.softplus(discriminator.call(fake.detach())).mean();
        lossD.backward();
        optimizerD.step();

        // Update G: maximise log D(G(z)), i.e. minimise softplus(-D(G(z))); D's gradients from this pass are dropped next step.
        ZeroGrad(generator, optimizerG);
        var lossG = functional.softplus(-discriminator.call(fake)).mean();
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
