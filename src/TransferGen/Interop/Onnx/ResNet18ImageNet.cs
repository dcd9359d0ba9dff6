using TransferGen.Interop.Onnx.Proto;
using static TorchSharp.torch;

namespace TransferGen.Interop.Onnx;

/// <summary>
/// The ImageNet-trained ResNet18 that ships in the Microsoft.ML.DnnImageFeaturizer.ResNet18 package
/// (exported from CNTK), imported through <see cref="OnnxModule"/>. It is not torchvision's ResNet18: its
/// last stage has three blocks (15.9M parameters) and its stride-2 convolutions and max-pool pad
/// asymmetrically, both reproduced exactly. The build copies the files to <see cref="ModelDirectory"/>.
/// Input: BGR pixels in 0..255 minus the mean image (<see cref="LoadMeanImage"/>) at 224×224, or minus
/// <see cref="ChannelMeanBgr"/> per channel at other sizes. Output: 512 pooled features per image.
/// </summary>
public static class ResNet18ImageNet
{
    static readonly Lazy<float[]> ChannelMeans = new(ComputeChannelMeans);
    static readonly Lazy<Tensor> SharedMeanImage = new(() => LoadMeanImage().DetachFromDisposeScope());

    /// <summary>The input size the network was trained at (and the mean image's size).</summary>
    public const int NativeSize = 224;

    /// <summary>Features per image in the output.</summary>
    public const int FeatureCount = 512;

    /// <summary>Where the build puts the two .onnx files: models/resnet18-imagenet/ beside the application.</summary>
    public static string ModelDirectory => Path.Combine(AppContext.BaseDirectory, "models", "resnet18-imagenet");

    /// <summary>The network file, ResNet18.onnx.</summary>
    public static string ModelPath => Path.Combine(ModelDirectory, "ResNet18.onnx");

    /// <summary>The preprocessing file, ResNetPreprocess.onnx (RGB → BGR, subtract the mean image).</summary>
    public static string PreprocessPath => Path.Combine(ModelDirectory, "ResNetPreprocess.onnx");

    /// <summary>
    /// Imports the network: input [N, 3, H, W] preprocessed as described on the class, output [N, 512].
    /// The final 7×7 average pool is global, so any input of about 32×32 or more works. Starts in training mode.
    /// </summary>
    /// <exception cref="InputException">The model file is missing (the build did not copy it) or unreadable.</exception>
    public static OnnxModule Load() =>
        OnnxModule.Load(Require(ModelPath), new OnnxImportOptions { FlattenOutput = true });

    /// <summary>
    /// Imports the preprocessing graph: RGB [N, 3, 224, 224] in 0..255 → BGR minus the mean image. It only
    /// works at 224×224; at other sizes subtract <see cref="ChannelMeanBgr"/> instead.
    /// </summary>
    public static OnnxModule LoadPreprocess() => OnnxModule.Load(Require(PreprocessPath));

    /// <summary>The mean image as a new tensor [3, 224, 224]: BGR channel order, pixel values in 0..255.</summary>
    public static Tensor LoadMeanImage()
    {
        var mean = ReadMeanImage();
        return tensor(mean.ToFloats(), [3, NativeSize, NativeSize]);
    }

    /// <summary>Per-channel averages of the mean image, in BGR order (about 103.1, 115.9, 123.2).</summary>
    public static IReadOnlyList<float> ChannelMeanBgr => Array.AsReadOnly(ChannelMeans.Value);

    /// <summary>
    /// Turns images as TransferGen handles them — float [N, C, H, W], RGB (or grey, C = 1) in 0..1 — into this
    /// network's input: BGR in 0..255 minus the mean image at 224×224, or minus the per-channel means at other sizes.
    /// Returns a new tensor on the images' device.
    /// </summary>
    public static Tensor Preprocess(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3))
            throw new ArgumentException($"expected images [N, 1 or 3, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        using var scope = NewDisposeScope();
        var rgb = images.shape[1] == 1 ? images.expand(-1, 3, -1, -1) : images;
        var bgr = rgb.flip(1).mul(255f);
        var mean = images.shape[2] == NativeSize && images.shape[3] == NativeSize
            ? SharedMeanImage.Value.to(images.device)
            : tensor(ChannelMeans.Value, [3, 1, 1]).to(images.device);
        return bgr.sub(mean).MoveToOuterDisposeScope();
    }

    static float[] ComputeChannelMeans()
    {
        using var image = LoadMeanImage();
        using var means = image.mean([1L, 2L], type: ScalarType.Float64);
        using var asFloat = means.to_type(ScalarType.Float32);
        return asFloat.data<float>().ToArray();
    }

    static OnnxTensorProto ReadMeanImage()
    {
        string path = Require(PreprocessPath);
        var initializers = OnnxReader.Read(path).Graph.Initializers;
        var mean = initializers.FirstOrDefault(t => t.Name == "MeanImage") ?? (initializers.Count == 1 ? initializers[0] : null);
        if (mean is null || mean.ElementCount != 3L * NativeSize * NativeSize)
            throw new InputException($"'{path}' does not hold a 3×{NativeSize}×{NativeSize} mean image.");
        return mean;
    }

    static string Require(string path) => File.Exists(path) ? path
        : throw new InputException($"The ImageNet ResNet18 file '{path}' is missing; build TransferGen so that it is copied from the Microsoft.ML.DnnImageFeaturizer.ResNet18 package.");
}
