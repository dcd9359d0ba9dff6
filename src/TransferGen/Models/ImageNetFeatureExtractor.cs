using TransferGen.Interop.Onnx;
using TransferGen.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Models;

/// <summary>
/// The default feature network for FID and KID: the ImageNet ResNet18's 512 pooled features, with images resized
/// (bilinear, antialiased) to <see cref="Size"/> and preprocessed as that network expects. Values are comparable only
/// with scores computed by this same extractor at the same size — never with Inception-based FID from papers.
/// </summary>
public sealed class ImageNetFeatureExtractor : IFeatureExtractor
{
    readonly OnnxModule _network;
    readonly Device _device;

    /// <summary>Loads the network (in eval mode) for extraction at <paramref name="size"/>×<paramref name="size"/>.</summary>
    public ImageNetFeatureExtractor(int size = ResNet18ImageNet.NativeSize, Device? device = null)
    {
        // The file's stride-2 convolutions pad asymmetrically, so residual branches only line up when every stage's map is
        // even: the side must be a multiple of 32 (224 = 7·32 is the native size).
        if (size < 32 || size % 32 != 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, "the ImageNet ResNet18 needs a square input whose side is a multiple of 32");
        Size = size;
        _device = device ?? CPU;
        _network = ResNet18ImageNet.Load();
        _network.to(_device.type, _device.index);
        _network.eval();
        foreach (var p in _network.parameters()) p.requires_grad = false;
    }

    /// <summary>Side of the square images the network sees.</summary>
    public int Size { get; }

    /// <inheritdoc />
    public int Dim => ResNet18ImageNet.FeatureCount;

    /// <inheritdoc />
    public string Name => $"resnet18-imagenet-avgpool@{Size}";

    /// <summary>How images are resized before extraction, for the record next to every score.</summary>
    public string ResizeDescription => $"bilinear (antialiased) to {Size}×{Size}";

    /// <inheritdoc />
    public Tensor Extract(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = images.to(_device).to_type(ScalarType.Float32);
        if (x.shape[2] != Size || x.shape[3] != Size)
            x = nn.functional.interpolate(x, [Size, Size], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return _network.call(ResNet18ImageNet.Preprocess(x)).cpu().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => _network.Dispose();
}
