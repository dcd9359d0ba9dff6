namespace TransferGen.Transfer;

/// <summary>
/// A stretch of epochs trained the same way: which parameters train and whether the steps run on cached
/// backbone features. <c>--freeze auto</c> is two phases, a probe and a full fine-tune.
/// </summary>
/// <param name="Name">"probe" or "finetune".</param>
/// <param name="FirstEpoch">First epoch of the phase, counted from 0 over the whole run.</param>
/// <param name="Epochs">Number of epochs.</param>
/// <param name="Policy">What is frozen.</param>
/// <param name="OnFeatures">Train the head alone on features computed once.</param>
public sealed record TrainingPhase(string Name, int FirstEpoch, int Epochs, FreezePolicy Policy, bool OnFeatures)
{
    /// <summary>True when <paramref name="epoch"/> falls in this phase.</summary>
    public bool Covers(int epoch) => epoch >= FirstEpoch && epoch < FirstEpoch + Epochs;

    /// <summary>Epochs the options asked for this phase (before <see cref="FineTuneOptions.MinSteps"/> stretched it).</summary>
    public int RequestedEpochs { get; init; } = Epochs;

    /// <summary>
    /// The phases the options ask for, each stretched to at least <see cref="FineTuneOptions.MinSteps"/> steps of
    /// <paramref name="batchesPerEpoch"/> batches.
    /// </summary>
    public static IReadOnlyList<TrainingPhase> Plan(FineTuneOptions options, int batchesPerEpoch)
    {
        int Stretch(int epochs) => Math.Max(epochs, (int)Math.Ceiling(options.MinSteps / (double)Math.Max(1, batchesPerEpoch)));
        var probe = Stretch(options.ProbeEpochs);
        var main = Stretch(options.Epochs);
        return options.Freeze.Kind switch
        {
            FreezeKind.All => [new("probe", 0, main, options.Freeze, OnFeatures: true) { RequestedEpochs = options.Epochs }],
            FreezeKind.Auto =>
            [
                new("probe", 0, probe, new FreezePolicy(FreezeKind.All), OnFeatures: true) { RequestedEpochs = options.ProbeEpochs },
                new("finetune", probe, main, new FreezePolicy(FreezeKind.None), OnFeatures: false) { RequestedEpochs = options.Epochs },
            ],
            _ => [new("finetune", 0, main, options.Freeze, OnFeatures: false) { RequestedEpochs = options.Epochs }],
        };
    }

    /// <summary>Early-stopping patience in this phase's epochs: the requested patience, stretched like the phase.</summary>
    public int ScalePatience(int patience) =>
        (int)Math.Ceiling(patience * Epochs / (double)Math.Max(1, RequestedEpochs));
}
