using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models;

/// <summary>Where a backbone's initial weights come from.</summary>
public enum WeightsChoice
{
    /// <summary>
    /// The weights that come with the backbone (<see cref="BackboneSpec.CreatePretrained"/>): shipped with TransferGen,
    /// or, for a run folder given as the backbone, the backbone that run trained.
    /// </summary>
    Builtin,

    /// <summary>A user's weight file.</summary>
    File,

    /// <summary>Random initialisation (the honest baseline).</summary>
    Scratch,
}

/// <summary>Builds backbones and classifiers from registry entries.</summary>
public static class Backbones
{
    /// <summary>
    /// Builds <paramref name="spec"/>'s backbone with weights from <paramref name="choice"/>
    /// (<paramref name="weightsPath"/> for <see cref="WeightsChoice.File"/>).
    /// </summary>
    /// <param name="spec">The registry entry.</param>
    /// <param name="choice">Where the weights come from.</param>
    /// <param name="weightsPath">The weights file, for <see cref="WeightsChoice.File"/>.</param>
    /// <param name="foldedBatchNorms">
    /// Told, after a weights file loads, how many BatchNorm layers it had folded into convolutions (see
    /// <see cref="WeightsFile.Load"/>).
    /// </param>
    public static Module<Tensor, Tensor> Create(BackboneSpec spec, WeightsChoice choice, string? weightsPath = null,
        Action<int>? foldedBatchNorms = null)
    {
        switch (choice)
        {
            case WeightsChoice.Scratch:
                return spec.CreateArchitecture();
            case WeightsChoice.Builtin:
                return (spec.CreatePretrained ?? throw new InputException(
                    $"Backbone '{spec.Name}' has no built-in weights; give --weights FILE or --from-scratch."))();
            default:
                var backbone = spec.CreateArchitecture();
                try
                {
                    int folded = WeightsFile.Load(backbone, weightsPath ?? throw new ArgumentNullException(nameof(weightsPath)), spec);
                    foldedBatchNorms?.Invoke(folded);
                }
                catch
                {
                    backbone.Dispose();
                    throw;
                }
                return backbone;
        }
    }

    /// <summary>
    /// Builds the backbone for <paramref name="inputChannels"/>-channel images (<see cref="ChannelsFor"/>): with
    /// <see cref="GrayscaleMode.Adapt"/> and one channel the first convolution is adapted to gray.
    /// <paramref name="foldedBatchNorms"/> is as for <see cref="Create"/>.
    /// </summary>
    public static Module<Tensor, Tensor> CreateFor(BackboneSpec spec, WeightsChoice choice, string? weightsPath, int inputChannels,
        GrayscaleMode gray, Action<int>? foldedBatchNorms = null)
    {
        var backbone = Create(spec, choice, weightsPath, foldedBatchNorms);
        if (inputChannels == 1 && gray == GrayscaleMode.Adapt) FirstConvAdapter.ToSingleChannel(backbone, spec.FirstConv);
        return backbone;
    }

    /// <summary>
    /// Builds the classifier for <paramref name="classCount"/> classes and <paramref name="inputChannels"/>-channel
    /// images (<see cref="ChannelsFor"/>): with <see cref="GrayscaleMode.Adapt"/> and one channel the first
    /// convolution is adapted to gray. <paramref name="foldedBatchNorms"/> is as for <see cref="Create"/>.
    /// </summary>
    public static Classifier CreateClassifier(BackboneSpec spec, WeightsChoice choice, string? weightsPath, int classCount,
        int inputChannels, GrayscaleMode gray, double dropout = 0, Action<int>? foldedBatchNorms = null) =>
        new(CreateFor(spec, choice, weightsPath, inputChannels, gray, foldedBatchNorms), spec.FeatureDim, classCount, dropout);

    /// <summary>
    /// The channels of <paramref name="dataChannels"/>-channel images once prepared for <paramref name="spec"/>:
    /// 1 when its weights were trained on gray images (<see cref="BackboneSpec.InputChannels"/>), since colour data is
    /// converted to gray for it; otherwise the data's own.
    /// </summary>
    public static int ChannelsFor(BackboneSpec spec, int dataChannels) => spec.InputChannels == 1 ? 1 : dataChannels;

    /// <summary>
    /// The preprocessing a classifier built for <paramref name="inputChannels"/>-channel data with
    /// <paramref name="gray"/> needs: the backbone's own, or its single-channel form after adaptation.
    /// </summary>
    public static Preprocessing EffectivePreprocessing(BackboneSpec spec, int inputChannels, GrayscaleMode gray) =>
        inputChannels == 1 && gray == GrayscaleMode.Adapt ? spec.Preprocessing.ForSingleChannel() : spec.Preprocessing;
}
