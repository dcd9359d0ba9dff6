using TransferGen.Models;
using TransferGen.Training;

namespace TransferGen.Transfer;

/// <summary>
/// A phase of a fine-tune: which parameters train and whether the steps run on cached backbone features. <c>--freeze auto</c> is two phases, a probe and a full fine-tune; <c>--freeze gradual</c>
/// puts one sub-phase per backbone stage between them.
/// </summary>
/// <param name="Name">"probe", "unfreeze-STAGE" (STAGE is the earliest stage that trains) or "finetune".</param>
/// <param name="FirstEpoch">First epoch of the phase, counted from 0 over the whole run.</param>
/// <param name="Epochs">Number of epochs.</param>
/// <param name="Policy">What is frozen.</param>
/// <param name="OnFeatures">Train the head alone on features computed once.</param>
public sealed record FineTunePhase(string Name, int FirstEpoch, int Epochs, FreezePolicy Policy, bool OnFeatures)
    : TrainingPhase(Name, FirstEpoch, Epochs)
{
    /// <summary>Epochs the options asked for this phase (before <see cref="FineTuneOptions.MinSteps"/> stretched it).</summary>
    public int RequestedEpochs { get; init; } = Epochs;

    /// <summary>
    /// The phases the options ask for (the last with <see cref="FineTuneOptions.Patience"/>, stretched), each stretched to at least <see cref="FineTuneOptions.MinSteps"/> steps of
    /// <paramref name="batchesPerEpoch"/> batches.
    /// </summary>
    /// <param name="options">The fine-tune options.</param>
    /// <param name="batchesPerEpoch">Training batches per epoch.</param>
    /// <param name="spec">The backbone, whose stages <see cref="FreezeKind.Gradual"/> unfreezes one by one; null looks
    /// up <see cref="FineTuneOptions.Backbone"/> in the registry when it is needed.</param>
    public static IReadOnlyList<FineTunePhase> Plan(FineTuneOptions options, int batchesPerEpoch, BackboneSpec? spec = null)
    {
        int Stretch(int epochs) => Math.Max(epochs, (int)Math.Ceiling(options.MinSteps / (double)Math.Max(1, batchesPerEpoch)));
        var probe = Stretch(options.ProbeEpochs);
        var main = Stretch(options.Epochs);
        IReadOnlyList<FineTunePhase> phases = options.Freeze.Kind switch
        {
            FreezeKind.All => [new("probe", 0, main, options.Freeze, OnFeatures: true) { RequestedEpochs = options.Epochs }],
            FreezeKind.Auto =>
            [
                new("probe", 0, probe, new FreezePolicy(FreezeKind.All), OnFeatures: true) { RequestedEpochs = options.ProbeEpochs },
                new("finetune", probe, main, new FreezePolicy(FreezeKind.None), OnFeatures: false) { RequestedEpochs = options.Epochs },
            ],
            FreezeKind.Gradual => Gradual(options, spec ?? BackboneResolver.Get(options.Backbone), Stretch),
            _ => [new("finetune", 0, main, options.Freeze, OnFeatures: false) { RequestedEpochs = options.Epochs }],
        };
        // Early stopping watches the last phase only, with the patience stretched like the phase.
        var last = phases[^1];
        return [.. phases.SkipLast(1), last with { Patience = last.ScalePatience(options.Patience) }];
    }

    /// <summary>
    /// Throws an <see cref="InputException"/> when <see cref="FreezeKind.Gradual"/> would leave no epoch with everything
    /// trainable: its sub-phases take their epochs out of <see cref="FineTuneOptions.Epochs"/>.
    /// </summary>
    public static void CheckFits(FineTuneOptions options, BackboneSpec spec)
    {
        if (options.Freeze.Kind != FreezeKind.Gradual) return;
        var unfreezing = UnfreezingEpochs(options, spec);
        if (options.Epochs <= unfreezing)
            throw new InvalidOptionException($"{{0}} gradual spends {unfreezing} epochs unfreezing the {spec.Stages.Count - 1} later stages of " +
                                             $"'{spec.Name}' ({{1}} {options.UnfreezeEpochs} each), so {{2}} must be more than " +
                                             $"{unfreezing}, got {options.Epochs}.",
                "FineTuneOptions.Freeze", "FineTuneOptions.UnfreezeEpochs", "FineTuneOptions.Epochs");
    }

    /// <summary>Early-stopping patience in this phase's epochs: the requested patience, stretched like the phase.</summary>
    public int ScalePatience(int patience) =>
        (int)Math.Ceiling(patience * Epochs / (double)Math.Max(1, RequestedEpochs));

    static int UnfreezingEpochs(FineTuneOptions options, BackboneSpec spec) => Math.Max(0, spec.Stages.Count - 1) * options.UnfreezeEpochs;

    /// <summary>
    /// ULMFiT's gradual unfreezing: the probe, then sub-phase k trains the last k stages (everything before them stays
    /// frozen, BatchNorm included), then the epochs left over train the whole backbone. The first stage never gets a
    /// sub-phase of its own, since unfreezing it unfreezes everything.
    /// </summary>
    static List<FineTunePhase> Gradual(FineTuneOptions options, BackboneSpec spec, Func<int, int> stretch)
    {
        CheckFits(options, spec);
        var stages = spec.Stages;
        var probe = stretch(options.ProbeEpochs);
        var phases = new List<FineTunePhase>
        {
            new("probe", 0, probe, new FreezePolicy(FreezeKind.All), OnFeatures: true) { RequestedEpochs = options.ProbeEpochs },
        };
        var next = probe;
        for (var k = 1; k < stages.Count; k++)
        {
            var epochs = stretch(options.UnfreezeEpochs);
            var frozenUntil = new FreezePolicy(FreezeKind.Until, stages[stages.Count - k - 1].Name);
            phases.Add(new($"unfreeze-{stages[stages.Count - k].Name}", next, epochs, frozenUntil, OnFeatures: false)
            {
                RequestedEpochs = options.UnfreezeEpochs,
            });
            next += epochs;
        }
        var rest = options.Epochs - UnfreezingEpochs(options, spec);
        phases.Add(new("finetune", next, stretch(rest), new FreezePolicy(FreezeKind.None), OnFeatures: false) { RequestedEpochs = rest });
        return phases;
    }
}
