using TransferGen.Data;
using TransferGen.Models.Gan;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>Where a transferred GAN run's starting weights came from (recorded in its config.json).</summary>
/// <param name="Run">The source run folder (absolute).</param>
/// <param name="Dataset">The source run's dataset as it named it.</param>
/// <param name="Epochs">Epochs the source had trained.</param>
/// <param name="Classes">The source's class names.</param>
/// <param name="Reinitialised">Class-dependent tensors left at their fresh initialisation (another class count).</param>
public sealed record GanInitSource(string Run, string? Dataset, int Epochs, IReadOnlyList<string> Classes, IReadOnlyList<string> Reinitialised);

/// <summary>
/// GAN transfer: a run on a small target dataset starts G, D and the EMA generator from a finished GAN run on a related
/// source domain (TransferGAN, Wang et al. 2018), with fresh optimisers, optionally with D's lower blocks frozen
/// (FreezeD, Mo et al. 2020).
/// </summary>
public static class GanTransfer
{
    /// <summary>
    /// The source run's config and checkpoint, checked against the run about to start: an <see cref="InputException"/>
    /// naming <paramref name="source"/> and the first difference of architecture, image shape or network options.
    /// </summary>
    /// <param name="source">The source run folder.</param>
    /// <param name="config">The new run's options.</param>
    /// <param name="shape">The new run's image shape; null checks everything else (before the data is loaded).</param>
    public static (GanRunConfig Config, Checkpoint Checkpoint) CheckSource(string source, GanTrainingConfig config, ImageShape? shape)
    {
        var run = RunFolder.Existing(source);
        var saved = GanRunConfig.Read(run);
        var checkpoint = Checkpoint.In(run)
                         ?? throw new InputException($"{source} has no checkpoint.pt: the source run finished no epoch, so there is nothing to start from.");
        void Differs(bool differs, string what)
        {
            if (differs) throw new InputException($"{source} cannot start this run: {what}.");
        }
        Differs(!string.Equals(saved.Options.Arch, config.Arch, StringComparison.OrdinalIgnoreCase), $"it is a {saved.Options.Arch} and this run a {config.Arch}");
        if (shape is { } s)
        {
            Differs(saved.ImageSize != s.Height, $"its images are {saved.ImageSize}×{saved.ImageSize} pixels and this run's {s.Height}×{s.Width}");
            Differs(saved.DataChannels != s.Channels, $"its images have {saved.DataChannels} channel(s) and this run's {s.Channels}");
        }
        else if (config.ImageSize is int size)
            Differs(saved.ImageSize != size, $"its images are {saved.ImageSize}×{saved.ImageSize} pixels and this run asks for {size}×{size}");
        var (a, b) = (saved.Options.Model, config.Model);
        Differs(a.Nz != b.Nz, $"its latent size nz is {a.Nz} and this run's {b.Nz}");
        Differs(a.Ngf != b.Ngf, $"its generator width ngf is {a.Ngf} and this run's {b.Ngf}");
        Differs(a.Ndf != b.Ndf, $"its discriminator width ndf is {a.Ndf} and this run's {b.Ndf}");
        Differs(a.MlpHidden != b.MlpHidden, $"its MLP hidden size is {a.MlpHidden} and this run's {b.MlpHidden}");
        Differs(a.SpectralNorm != b.SpectralNorm, $"it was trained {(a.SpectralNorm ? "with" : "without")} spectral norm and this run is not");
        Differs(a.UseDiscriminatorBatchNorm != b.UseDiscriminatorBatchNorm, $"its discriminator {(a.UseDiscriminatorBatchNorm ? "has" : "has no")} BatchNorm and this run's {(b.UseDiscriminatorBatchNorm ? "has" : "has none")}");
        if (GanFactory.IsConditional(config.Arch))
        {
            Differs(a.ClassEmbeddingDim != b.ClassEmbeddingDim, $"its class embedding size is {a.ClassEmbeddingDim} and this run's {b.ClassEmbeddingDim}");
            Differs(a.Conditioning != b.Conditioning, $"its discriminator conditions by {a.Conditioning} and this run's by {b.Conditioning}");
        }
        return (saved, checkpoint);
    }

    /// <summary>
    /// Copies the source run's G, D and EMA generator into <paramref name="g"/>, <paramref name="d"/> and
    /// <paramref name="emaG"/>. With another class count, the class-dependent tensors (class embeddings, projection,
    /// class head) keep their fresh initialisation; the returned record names them.
    /// </summary>
    public static GanInitSource Initialize(string source, GanTrainingConfig config, ImageShape shape, int classCount,
        GanGenerator g, GanDiscriminator d, GanGenerator emaG)
    {
        var (saved, checkpoint) = CheckSource(source, config, shape);
        var sourceClasses = saved.Classes.Count;
        var conditional = GanFactory.IsConditional(config.Arch);
        GanInitSource Record(IReadOnlyList<string> reset) =>
            new(Path.GetFullPath(source), saved.Dataset, checkpoint.State.EpochsCompleted, saved.Classes, reset);
        if (!conditional || sourceClasses == classCount)
        {
            checkpoint.LoadModule("g", g);
            checkpoint.LoadModule("d", d);
            checkpoint.LoadModule("ema_g", emaG);
            return Record([]);
        }

        // Build the source's networks, load them, then copy every tensor whose shape carries over.
        var (sourceG, sourceD) = GanFactory.Create(config.Arch, shape, sourceClasses, config.Model);
        using var sourceEma = GanFactory.CreateGenerator(config.Arch, shape, sourceClasses, config.Model);
        using (sourceG)
        using (sourceD)
        {
            checkpoint.LoadModule("g", sourceG);
            checkpoint.LoadModule("d", sourceD);
            checkpoint.LoadModule("ema_g", sourceEma);
            var reset = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (from, to, prefix) in new (nn.Module, nn.Module, string)[] { (sourceG, g, "g"), (sourceD, d, "d"), (sourceEma, emaG, "ema_g") })
                foreach (var name in CopyMatching(from, to, sourceClasses, classCount))
                    reset.Add($"{prefix}.{name}");
            return Record([.. reset]);
        }
    }

    /// <summary>Copies the state of <paramref name="from"/> into <paramref name="to"/>; returns the class-dependent names left as they were.</summary>
    static List<string> CopyMatching(nn.Module from, nn.Module to, int sourceClasses, int targetClasses)
    {
        var source = from.state_dict();
        var target = to.state_dict();
        var reset = new List<string>();
        using var _ = no_grad();
        foreach (var (name, tensor) in target)
        {
            var saved = source[name];
            if (saved.shape.SequenceEqual(tensor.shape))
            {
                tensor.copy_(saved);
                continue;
            }
            // Only a tensor indexed by class may differ: the networks agree on everything else (CheckSource).
            if (saved.dim() == 0 || saved.shape[0] != sourceClasses || tensor.shape[0] != targetClasses)
                throw new InvalidOperationException($"'{name}' differs in shape for a reason other than the class count");
            reset.Add(name);
        }
        return reset;
    }

    /// <summary>
    /// Freezes D's first <paramref name="blocks"/> feature blocks (<see cref="GanDiscriminator.FeatureBlocks"/>): their
    /// parameters get no gradient. Call <see cref="EvalFrozen"/> after every <c>train()</c>, so their BatchNorms keep
    /// the source's statistics. An <see cref="InvalidOptionException"/> when D has fewer blocks.
    /// </summary>
    public static void Freeze(GanDiscriminator d, int blocks)
    {
        if (blocks == 0) return;
        var available = d.FeatureBlocks.Count;
        if (blocks > available)
            throw new InvalidOptionException($"{{0}} is {blocks}, but this discriminator has {available} feature block(s) to freeze "
                                             + "(its output layer always trains).", $"{nameof(GanTrainingConfig)}.{nameof(GanTrainingConfig.FreezeD)}");
        foreach (var module in d.FeatureBlocks.Take(blocks).SelectMany(b => b))
            foreach (var p in module.parameters())
                p.requires_grad = false;
    }

    /// <summary>Puts the first <paramref name="blocks"/> feature blocks of <paramref name="d"/> in eval mode (BatchNorm uses its running statistics).</summary>
    public static void EvalFrozen(GanDiscriminator d, int blocks)
    {
        foreach (var module in d.FeatureBlocks.Take(blocks).SelectMany(b => b)) module.eval();
    }
}
