using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Models.Gan;

namespace TransferGen.Benchmarks;

/// <summary>
/// (W3) One DCGAN training step at 1×32×32, batch 128, nz 100, ngf = ndf = 64: one discriminator update then one
/// generator update with the non-saturating loss and Adam (2e-4, betas 0.5/0.999), as in pytorch/examples' dcgan.
/// Throughput counts the real images of the batch.
/// </summary>
/// <remarks>
/// The networks are <see cref="GanFactory"/>'s DCGAN and the optimizers come from <see cref="GanStepOptions"/>'
/// defaults, as in `gan train --arch dcgan`. With the <see cref="Standard"/> settings (fresh noise every step,
/// gradients zeroed by the optimizers) a step is <see cref="GanStep.Run"/> itself, so W3 times what users run;
/// channels-last only changes the layout of weights and inputs and still goes through it. Two settings that
/// `bench throughput --variants` compares change what GanStep does — noise reused and refilled in place, gradients
/// set to none through the modules — so they run <see cref="SpelledOutStep"/>, a copy of the same step with those
/// two knobs (same losses, same order of updates; a test checks it matches GanStep where the knobs allow).
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
    readonly GanStepOptions step = new();
    readonly optim.Optimizer optimizerG;
    readonly optim.Optimizer optimizerD;
    readonly WorkloadOptions options;
    readonly Tensor real;
    readonly Tensor? noise;

    /// <summary>
    /// The settings of the step `gan train` runs: new noise every step and gradients zeroed by the optimizers, so the
    /// workload calls <see cref="GanStep.Run"/>. The default of W3 (the other workloads default to reuse and set-to-none).
    /// </summary>
    public static WorkloadOptions Standard { get; } = new() { ReuseInputs = false, GradientsToNone = false };

    /// <summary>Builds both networks, their optimizers and the batch of "real" images.</summary>
    /// <param name="options">The settings; <see cref="Standard"/> when null.</param>
    public DcganStepWorkload(WorkloadOptions? options = null)
    {
        this.options = options ?? Standard;
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
        (optimizerG, optimizerD) = step.CreateOptimizers(generator, discriminator);
        using var scope = NewDisposeScope();
        // The real batch stands in for a data loader's output and is always reused: loading is not what W3 measures.
        real = Layout(torch.rand(BatchSize, 1, 32, 32).mul_(2).sub_(1)).DetachFromDisposeScope();
        if (this.options.ReuseInputs) noise = torch.randn(BatchSize, Nz).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public string Name => "dcgan_step";

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <summary>True when <see cref="Step"/> is <see cref="GanStep.Run"/>; false for the spelled-out copy the knobs need.</summary>
    public bool UsesGanStep => !options.ReuseInputs && !options.GradientsToNone;

    /// <summary>The generator (for tests that compare paths).</summary>
    internal GanGenerator Generator => generator;

    /// <inheritdoc />
    public void Step()
    {
        if (UsesGanStep) GanStep.Run(generator, discriminator, optimizerG, optimizerD, real, labels: null, step);
        else SpelledOutStep();
    }

    /// <summary>
    /// <see cref="GanStep.Run"/> for an unconditional GAN with the non-saturating loss, written out so that the noise
    /// can be reused (<see cref="WorkloadOptions.ReuseInputs"/>) and gradients set to none
    /// (<see cref="WorkloadOptions.GradientsToNone"/>).
    /// </summary>
    void SpelledOutStep()
    {
        // Fresh noise every step, as in training; refilled in place when inputs are reused.
        var z = noise is null ? torch.randn(BatchSize, Nz) : noise.normal_();
        var fake = generator.Generate(z, null);

        // Update D on real vs detached fake.
        ZeroGrad(discriminator, optimizerD);
        var lossD = GanLoss.Discriminator(step.Loss, discriminator.Forward(real, null).Logit, discriminator.Forward(fake.detach(), null).Logit);
        lossD.backward();
        optimizerD.step();

        // Update G through the updated D; D's gradients from this pass are dropped next step.
        ZeroGrad(generator, optimizerG);
        var lossG = GanLoss.Generator(step.Loss, discriminator.Forward(fake, null).Logit);
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
