using TransferGen.Models;

namespace TransferGen.Transfer;

/// <summary>
/// The first step of the original design: train a backbone architecture from random initialisation on a source
/// dataset, every parameter training. It is a <see cref="FineTuner"/> run — <c>--from-scratch --freeze none</c>, with
/// the backbone at the head's learning rate, since there are no pretrained features for a lower rate to protect —
/// whose run folder is then a backbone for the second step (<c>finetune --backbone RUN</c>, see <see cref="RunBackbone"/>).
/// </summary>
public static class Pretraining
{
    /// <summary>
    /// A fine-tuner that pretrains <paramref name="architecture"/> (a registry name) with the other settings of
    /// <paramref name="options"/> (epochs, rates, image size, seed, ...); its run folder's config.json says "pretrain".
    /// An <see cref="InputException"/> when the name is not registered.
    /// </summary>
    public static FineTuner Create(string architecture, FineTuneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var registered = BackboneRegistry.Find(architecture);
        if (registered is null && RunBackbone.IsFolderName(architecture))
            throw new InputException($"--arch takes an architecture from `transfergen backbones`, not a run folder ({architecture}); to start from a run's weights use `finetune --backbone RUN`.");
        return new FineTuner(options with
        {
            Backbone = (registered ?? BackboneRegistry.Get(architecture)).Name,
            WeightsFile = null,
            FromScratch = true,
            Freeze = new FreezePolicy(FreezeKind.None),
            BackboneLrFactor = 1,
        })
        {
            RunKind = "pretrain",
        };
    }
}
