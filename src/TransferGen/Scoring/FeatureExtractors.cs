using System.Collections.Concurrent;
using TransferGen.Metrics;
using TransferGen.Models;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Scoring;

/// <summary>
/// The feature networks known by name. FID/KID values are comparable only between runs that used the same network
/// (and resize and sample counts): every report names the one it used.
/// </summary>
/// <remarks>
/// <c>resnet18-imagenet</c> (the default, at 128×128) and <c>resnet18-imagenet-224</c> use the ImageNet ResNet18;
/// <c>pixels</c> is cheap pixel statistics for tests and smoke runs. <see cref="Register"/> adds others.
/// </remarks>
public static class FeatureExtractors
{
    /// <summary>The ImageNet ResNet18's 512-d pooled features (the default).</summary>
    public const string ResNet18ImageNet = "resnet18-imagenet";

    /// <summary>The built-in pixel-statistics features.</summary>
    public const string Pixels = PixelFeatures.FeatureName;

    /// <summary>The network used when none is named.</summary>
    public const string Default = ResNet18ImageNet;

    /// <summary>The resize every network gets: bilinear, antialiased when shrinking (the Resize transform).</summary>
    public const string BilinearAntialiased = "bilinear (antialiased when shrinking)";

    static readonly ConcurrentDictionary<string, FeatureNetwork> Registry = new(StringComparer.OrdinalIgnoreCase)
    {
        [Pixels] = new FeatureNetwork(Pixels, PixelFeatures.InputSize, BilinearAntialiased, PixelFeatures.Summary, () => new PixelFeatures()) { CacheName = Pixels },
        // 128 px: about a third of the compute of the native 224, so FID over thousands of images stays affordable on a CPU
        // (sizes must be multiples of 32: the asymmetric stride-2 padding needs even maps at every stage).
        [ResNet18ImageNet] = new FeatureNetwork(ResNet18ImageNet, 128, BilinearAntialiased,
            "ImageNet ResNet18 (Microsoft.ML.DnnImageFeaturizer.ResNet18), 512-d global-average-pooled features",
            () => new ImageNetFeatureExtractor(128)) { CacheName = ResNet18ImageNet },
        [ResNet18ImageNet + "-224"] = new FeatureNetwork(ResNet18ImageNet + "-224", 224, BilinearAntialiased,
            "ImageNet ResNet18 at its native 224×224, 512-d global-average-pooled features",
            () => new ImageNetFeatureExtractor(224)) { CacheName = ResNet18ImageNet + "-224" },
    };

    /// <summary>The names registered so far.</summary>
    public static IReadOnlyList<string> Names => Registry.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Registers (or replaces) a feature network under <paramref name="name"/>; its features are not cached (<see cref="FeatureNetwork.CacheName"/>).</summary>
    /// <param name="name">Name for --features.</param>
    /// <param name="factory">Builds the extractor.</param>
    /// <param name="inputSize">Side images are resized to before extraction.</param>
    /// <param name="description">One line for reports.</param>
    public static void Register(string name, Func<IFeatureExtractor> factory, int inputSize = 224, string description = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        Registry[name] = new FeatureNetwork(name, inputSize, BilinearAntialiased, description, factory);
    }

    /// <summary>The network called <paramref name="name"/>; an <see cref="InputException"/> when it is unknown.</summary>
    public static FeatureNetwork Resolve(string name)
    {
        if (Registry.TryGetValue(name.Trim(), out var network)) return network;
        // A run folder of `transfergen finetune`: its fine-tuned backbone is the feature network.
        if (Directory.Exists(name) && File.Exists(Path.Combine(name, "config.json")))
        {
            var config = RunFolder.ReadJson<RunConfig>(Path.Combine(name, "config.json"));
            return new FeatureNetwork(name, config.Options.ImageSize, BilinearAntialiased,
                $"the backbone of the classifier fine-tuned in {name}", () => new ClassifierFeatureExtractor(name));
        }
        throw new InputException($"Unknown feature network '{name}' (available: {string.Join(", ", Names)}, or the run folder of a `transfergen finetune`).");
    }
}
