using static TorchSharp.torch;

namespace TransferGen.Metrics;

/// <summary>
/// A fixed network that maps images to feature vectors for FID and KID (e.g. an ImageNet ResNet18's pooled features).
/// Scores are only comparable between runs that used the same extractor, so it has a <see cref="Name"/> to record.
/// An extractor usually holds a network's weights: whoever creates one disposes it.
/// </summary>
public interface IFeatureExtractor : IDisposable
{
    /// <summary>Length of one feature vector.</summary>
    int Dim { get; }

    /// <summary>Stable name recorded next to every score (e.g. "resnet18-imagenet-avgpool").</summary>
    string Name { get; }

    /// <summary>
    /// Features float [B, <see cref="Dim"/>] of images float [B, C, H, W] in [0, 1] (any size and 1 or 3 channels:
    /// the extractor resizes, replicates grey channels and normalizes as its network needs). No gradients needed.
    /// </summary>
    Tensor Extract(Tensor images);
}
