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

    /// <summary>The phases the options ask for.</summary>
    public static IReadOnlyList<TrainingPhase> Plan(FineTuneOptions options) => options.Freeze.Kind switch
    {
        FreezeKind.All => [new("probe", 0, options.Epochs, options.Freeze, OnFeatures: true)],
        FreezeKind.Auto =>
        [
            new("probe", 0, options.ProbeEpochs, new FreezePolicy(FreezeKind.All), OnFeatures: true),
            new("finetune", options.ProbeEpochs, options.Epochs, new FreezePolicy(FreezeKind.None), OnFeatures: false),
        ],
        _ => [new("finetune", 0, options.Epochs, options.Freeze, OnFeatures: false)],
    };
}
