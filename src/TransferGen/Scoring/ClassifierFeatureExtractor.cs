using TransferGen.Data.Transforms;
using TransferGen.Metrics;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Scoring;

/// <summary>
/// A classifier fine-tuned by <c>transfergen finetune</c> as the feature network of FID/KID (<c>--features RUN</c>):
/// its backbone's pooled features, with the run's own evaluation preprocessing. Features from a network trained on
/// the target domain can judge generated images better than ImageNet features do, but its scores are comparable only
/// with scores from the same run folder.
/// </summary>
public sealed class ClassifierFeatureExtractor : IFeatureExtractor
{
    readonly ImageClassifier _model;

    // The run's evaluation pipeline and the colour conversions are deterministic; they take a Random only by contract.
    static readonly Random Unused = new(0);

    /// <summary>Loads the run folder at <paramref name="runPath"/>.</summary>
    public ClassifierFeatureExtractor(string runPath)
    {
        _model = ImageClassifier.Load(runPath);
        Name = $"classifier:{Path.GetFileName(Path.GetFullPath(runPath).TrimEnd('/'))}";
    }

    /// <inheritdoc />
    public int Dim => _model.Network.FeatureDim;

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Side of the square images the backbone sees (the run's --image-size).</summary>
    public int InputSize => _model.Config.Options.ImageSize;

    /// <inheritdoc />
    public Tensor Extract(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = inference_mode();
        var x = images.cpu();
        var wanted = _model.Config.DataChannels;
        // The run's transforms start from 8-bit images with the training data's channel count.
        if (x.shape[1] == 3 && wanted == 1) x = new RgbToGrayscale().Apply(x, Unused);
        else if (x.shape[1] == 1 && wanted == 3) x = new GrayscaleToRgb().Apply(x, Unused);
        var bytes = x.clamp(0, 1).mul(255).round().to_type(ScalarType.Byte);
        var prepared = _model.Transform.Apply(bytes, Unused);
        return _model.Network.Backbone.call(prepared).flatten(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}
