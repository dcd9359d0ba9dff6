namespace TransferGen.Models;

/// <summary>How one-channel images reach a backbone built for RGB.</summary>
public enum GrayscaleMode
{
    /// <summary>Repeat the gray channel three times in preprocessing; the network is unchanged.</summary>
    Replicate,

    /// <summary>
    /// Give the first convolution one input channel whose kernel is the sum of the pretrained R, G and B kernels
    /// (as fastai does): the same result as replication on a gray image, at a third of the first layer's cost.
    /// </summary>
    Adapt,
}
