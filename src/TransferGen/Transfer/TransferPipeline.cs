using TransferGen.Data.Transforms;
using TransferGen.Models;

namespace TransferGen.Transfer;

/// <summary>
/// The image pipelines of training and inference, built from a backbone's <see cref="Preprocessing"/>: resize,
/// optional augmentation (on uint8 pixels, before conversion), 0..1 floats, RGB to gray for a backbone trained on gray
/// images, gray to RGB when replicating, channel order, then the backbone's normalisation. Training, evaluation and prediction all build theirs here, so they
/// prepare images identically.
/// </summary>
internal static class TransferPipeline
{
    /// <summary>The pipeline for <paramref name="dataChannels"/>-channel images.</summary>
    /// <param name="preprocessing">The effective preprocessing (<see cref="Backbones.EffectivePreprocessing"/>).</param>
    /// <param name="dataChannels">Channels of the dataset's images (1 or 3).</param>
    /// <param name="imageSize">Target height and width.</param>
    /// <param name="augment">Add the original design's random rotation, shift and flip.</param>
    /// <param name="backboneChannels">Channels the backbone's weights were trained on (<see cref="BackboneSpec.InputChannels"/>), when known.</param>
    public static Compose Build(Preprocessing preprocessing, int dataChannels, int imageSize, bool augment, int? backboneChannels = null)
    {
        var steps = new List<ITransform> { new Resize(imageSize, imageSize) };
        if (augment) steps.Add(Augmentation.OriginalDesign());
        steps.Add(new ToFloat());
        var channels = dataChannels;
        // Colour data for a backbone trained on gray images (or whose first convolution takes one channel): make it
        // look like that training data.
        if (channels == 3 && (backboneChannels == 1 || preprocessing.Mean.Count == 1))
        {
            steps.Add(new RgbToGrayscale());
            channels = 1;
        }
        // A backbone with three-channel statistics receiving gray data: replicate (adapted backbones have one).
        if (channels == 1 && preprocessing.Mean.Count == 3) steps.Add(new GrayscaleToRgb());
        if (preprocessing.Order == ChannelOrder.Bgr && preprocessing.Mean.Count == 3) steps.Add(new RgbToBgr());
        steps.Add(new Normalize(preprocessing.Mean, preprocessing.Std, preprocessing.PixelScale));
        return new Compose(steps);
    }
}
