using TorchSharp;
using TransferGen.Models;
using static TorchSharp.torch;

namespace TransferGen.Transfer;

/// <summary>What <c>--freeze</c> asked for.</summary>
public enum FreezeKind
{
    /// <summary>Probe first (head on cached features), then fine-tune everything with a lower backbone rate.</summary>
    Auto,

    /// <summary>Linear probe: the backbone is frozen and its features are computed once.</summary>
    All,

    /// <summary>The stages up to and including <see cref="FreezePolicy.Stage"/> are frozen.</summary>
    Until,

    /// <summary>Full fine-tune.</summary>
    None,

    /// <summary>
    /// Probe first, then unfreeze the backbone's stages from the last to the first, one more stage per sub-phase of
    /// <see cref="FineTuneOptions.UnfreezeEpochs"/> epochs, then fine-tune everything (ULMFiT's gradual unfreezing).
    /// </summary>
    Gradual,
}

/// <summary>
/// Which backbone parameters train: parsed from <c>auto</c>, <c>gradual</c>, <c>all</c>, <c>none</c> or <c>until:STAGE</c>, and
/// applied to a classifier by setting <c>requires_grad</c> and keeping frozen BatchNorm layers in eval mode (so
/// their running statistics, learnt on the source data, stay as they are).
/// </summary>
public sealed record FreezePolicy(FreezeKind Kind, string? Stage = null)
{
    /// <summary>Parses a <c>--freeze</c> value; an <see cref="InputException"/> for anything else.</summary>
    public static FreezePolicy Parse(string value)
    {
        var text = value.Trim().ToLowerInvariant();
        if (text.StartsWith("until:", StringComparison.Ordinal) && text.Length > "until:".Length)
            return new FreezePolicy(FreezeKind.Until, value.Trim()["until:".Length..]);
        return text switch
        {
            "auto" => new FreezePolicy(FreezeKind.Auto),
            "gradual" => new FreezePolicy(FreezeKind.Gradual),
            "all" => new FreezePolicy(FreezeKind.All),
            "none" => new FreezePolicy(FreezeKind.None),
            _ => throw new InputException($"--freeze must be auto, gradual, all, none or until:STAGE, got '{value}'."),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Kind == FreezeKind.Until ? $"until:{Stage}" : Kind.ToString().ToLowerInvariant();

    /// <summary>
    /// True when the backbone parameter or module called <paramref name="name"/> is frozen under this policy
    /// (<see cref="FreezeKind.Auto"/> and <see cref="FreezeKind.Gradual"/> count as their last phase: nothing frozen;
    /// their other phases carry policies of their own, see <see cref="FineTunePhase.Plan"/>).
    /// </summary>
    public bool IsFrozen(string name, BackboneSpec spec)
    {
        switch (Kind)
        {
            case FreezeKind.All: return true;
            case FreezeKind.Until:
                var last = spec.Stages.ToList().IndexOf(spec.Stage(Stage!));
                return spec.Stages.Take(last + 1).Any(s => s.Contains(name));
            default: return false;
        }
    }

    /// <summary>Checks that the policy fits <paramref name="spec"/> (a named stage exists).</summary>
    public void Validate(BackboneSpec spec)
    {
        if (Kind == FreezeKind.Until) spec.Stage(Stage!);
    }

    /// <summary>Sets requires_grad on every parameter: head always trains, backbone as the policy says.</summary>
    public void Apply(Classifier model, BackboneSpec spec)
    {
        foreach (var (name, parameter) in model.Backbone.named_parameters())
            parameter.requires_grad = !IsFrozen(name, spec);
        foreach (var parameter in model.Head.parameters()) parameter.requires_grad = true;
    }

    /// <summary>
    /// Puts the model in train mode, then the frozen BatchNorm layers back in eval mode. Call before training steps.
    /// </summary>
    /// <param name="model">The classifier.</param>
    /// <param name="spec">Its backbone's registry entry (for the stages).</param>
    /// <param name="keepAllBatchNormStatistics">Keep every BatchNorm of the backbone in eval mode, trainable or not, so
    /// that it normalises with its pretrained running statistics instead of the statistics of each small batch.</param>
    public void SetTrainMode(Classifier model, BackboneSpec spec, bool keepAllBatchNormStatistics = false)
    {
        model.train();
        foreach (var (name, module) in model.Backbone.named_modules())
            if (module is TorchSharp.Modules.BatchNorm1d or TorchSharp.Modules.BatchNorm2d or TorchSharp.Modules.BatchNorm3d
                && (keepAllBatchNormStatistics || IsFrozen(name + ".", spec)))
                module.eval();
    }
}
