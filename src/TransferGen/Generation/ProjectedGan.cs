using TransferGen.Data;
using TransferGen.Generation.Augmentation;
using TransferGen.Models;
using TransferGen.Models.Gan;

namespace TransferGen.Generation;

/// <summary>
/// The defaults of a run with a pretrained-feature discriminator (<c>gan train --d-backbone</c>), where the user chose
/// nothing else. The CLI applies them; a library caller who sets <see cref="GanOptions.Projected"/> calls
/// <see cref="Apply"/> for the same run.
/// </summary>
public static class ProjectedGanDefaults
{
    /// <summary>The loss: hinge, as Projected GAN (and SN-GAN, whose spectral-norm heads it shares) trains.</summary>
    public const GanLossKind Loss = GanLossKind.Hinge;

    /// <summary>
    /// The augmentation: DiffAugment's <c>color,translation,cutout</c> of everything the discriminator sees, as Projected
    /// GAN trains on every dataset. Without it the frozen features separate the first, nearly identical fakes from the
    /// real images at once and the generator collapses (docs/projected-discriminator.md).
    /// </summary>
    public const string Augmentation = DiffAugment.Diff;

    /// <summary>
    /// The weight of MSGAN's mode-seeking term: 1, as MSGAN trains. Without it the generator ignores its latent and draws
    /// one image per class (FID 1151.7 on the small-data benchmark's seed 0); with it FID fell to 435.9 and 476.7 on
    /// seeds 0 and 1 (`bench gan-transfer`, methods projected and projected-ms; docs/projected-discriminator.md).
    /// </summary>
    public const double ModeSeekingWeight = 1;

    /// <summary>
    /// <paramref name="config"/> with the projected-discriminator defaults applied where the caller left the choice
    /// open; unchanged when it has no <see cref="GanOptions.Projected"/>.
    /// </summary>
    /// <param name="config">The run's options.</param>
    /// <param name="lossChosen">True when the user picked the loss (then it stays).</param>
    /// <param name="augmentationChosen">True when the user picked the augmentation, <c>none</c> included (then it stays).</param>
    /// <param name="modeSeekingChosen">True when the user picked the mode-seeking weight, 0 included (then it stays).</param>
    public static GanTrainingConfig Apply(GanTrainingConfig config, bool lossChosen, bool augmentationChosen, bool modeSeekingChosen)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Model.Projected is null) return config;
        if (!lossChosen) config = config with { Step = config.Step with { Loss = Loss } };
        if (!augmentationChosen) config = config with { Augmentation = Augmentation };
        if (!modeSeekingChosen) config = config with { Step = config.Step with { ModeSeekingWeight = ModeSeekingWeight } };
        return config;
    }
}

/// <summary>Resolves and checks the pretrained-feature discriminator of a run before any network is built.</summary>
internal static class ProjectedGanSetup
{
    // A stream of the user's seed of its own, so the projections share no random numbers with weights or latents.
    const long ProjectionStream = 0x5052_4F4A;

    /// <summary>
    /// For a new run: <paramref name="config"/> with <see cref="GanOptions.Projected"/> resolved against its backbone
    /// (the registry, or <see cref="GanTrainingConfig.BackboneResolver"/> for a run folder), and that backbone; checked
    /// against images of <paramref name="shape"/> (when known). For a resumed run (already resolved): checked, and the
    /// backbone's registry entry. Null spec when the run has no such discriminator.
    /// </summary>
    public static (GanTrainingConfig Config, BackboneSpec? Spec) Resolve(GanTrainingConfig config, ImageShape? shape)
    {
        if (config.Model.Projected is not { } projected) return (config, null);
        BackboneSpec spec;
        if (projected.IsResolved)
        {
            spec = BackboneRegistry.Find(projected.Architecture!)
                   ?? throw new InputException($"The discriminator of this run was built on backbone '{projected.Architecture}', which this TransferGen does not have (known: {BackboneRegistry.KnownNames}).");
        }
        else
        {
            spec = Find(projected.DBackbone, config.BackboneResolver);
            projected = projected.Resolve(spec, config.Seed ^ ProjectionStream);
        }
        projected.Validate(BackboneRegistry.Find(projected.Architecture!) ?? spec, shape?.Height ?? 1);
        return (config with { Model = config.Model with { Projected = projected } }, spec);
    }

    /// <summary>
    /// For a new run: copies a run folder's trained stages into <paramref name="d"/>; then returns the options with the
    /// frozen weights' fingerprint recorded. For a resume: checks that the rebuilt (and restored) backbone is the one the
    /// run trained against.
    /// </summary>
    public static ProjectedDiscriminatorOptions Freeze(ProjectedDiscriminator d, BackboneSpec spec, bool resumed)
    {
        var options = d.Options;
        if (!resumed)
        {
            if (options.Weights == FrozenBackboneWeights.Checkpoint)
            {
                using var trained = spec.CreatePretrained!();
                d.LoadFrozenBackbone(trained);
            }
            return options with { Fingerprint = d.BackboneFingerprint() };
        }
        var now = d.BackboneFingerprint();
        if (options.Fingerprint is { } recorded && recorded != now)
            throw new InputException($"The frozen backbone of the discriminator ({options.DBackbone}) is not the one this run trained against " +
                                     $"(weights fingerprint {now[..12]}… instead of {recorded[..12]}…), so the run cannot continue exactly; start it again.");
        return options;
    }

    static BackboneSpec Find(string name, Func<string, BackboneSpec?>? resolver)
    {
        if (BackboneRegistry.Find(name) is { } registered) return registered;
        if (resolver?.Invoke(name) is { } resolved) return resolved;
        if (resolver is null && Directory.Exists(name))
            throw new InvalidOptionException($"{{0}} names the folder '{Escape(name)}', but no {{1}} was given to read run folders with (the CLI passes one).",
                "ProjectedDiscriminatorOptions.DBackbone", "GanTrainingConfig.BackboneResolver");
        var usable = BackboneRegistry.All.Where(s => s.CreatePretrained is not null).Select(s => s.Name);
        throw new InvalidOptionException($"Unknown backbone '{Escape(name)}' for {{0}} (known: {string.Join(", ", usable)}; " +
                                         "or the run folder of a `transfergen finetune` or `pretrain`).", "ProjectedDiscriminatorOptions.DBackbone");
    }

    static string Escape(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}
