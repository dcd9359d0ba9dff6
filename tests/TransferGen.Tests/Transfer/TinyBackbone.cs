using TorchSharp;
using TransferGen.Data;
using TransferGen.Models;
using TransferGen.Transfer;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Tests.Transfer;

/// <summary>
/// A backbone small enough for second-long tests: conv1/bn1 (stem), layer1, layer2, global pooling, 16 features.
/// It counts its forward calls so tests can check that the probe computes features only once.
/// </summary>
internal sealed class TinyBackbone : Module<Tensor, Tensor>
{
    static int _forwardCalls;

    readonly Module<Tensor, Tensor> conv1 = Conv2d(3, 8, 3, padding: 1);
    readonly Module<Tensor, Tensor> bn1 = BatchNorm2d(8);
    readonly Module<Tensor, Tensor> layer1 = Sequential(Conv2d(8, 16, 3, stride: 2, padding: 1), BatchNorm2d(16), ReLU());
    readonly Module<Tensor, Tensor> layer2 = Sequential(Conv2d(16, 16, 3, padding: 1), BatchNorm2d(16), ReLU());

    public TinyBackbone() : base(nameof(TinyBackbone)) => RegisterComponents();

    public const string Name = "tiny-test";

    public static int ForwardCalls => Volatile.Read(ref _forwardCalls);

    public override Tensor forward(Tensor x)
    {
        Interlocked.Increment(ref _forwardCalls);
        using var scope = NewDisposeScope();
        var y = layer2.call(layer1.call(functional.relu(bn1.call(conv1.call(x)))));
        return y.mean([2, 3]).MoveToOuterDisposeScope();
    }

    /// <summary>Registers the backbone (idempotent); its "built-in weights" are a seeded random initialisation.</summary>
    public static BackboneSpec Register()
    {
        var spec = new BackboneSpec(Name, () => new TinyBackbone(), () => new TinyBackbone(), "random (test)",
            Preprocessing.ImageNet with { NativeSize = 16 }, new BackboneMeta("tests", "none"), 16,
            [new BackboneStage("stem", ["conv1.", "bn1."]), new BackboneStage("layer1", ["layer1."]), new BackboneStage("layer2", ["layer2."])],
            "conv1", ["fc."]);
        BackboneRegistry.Register(spec);
        return spec;
    }
}

/// <summary>Fine-tune options for second-long tests on <see cref="TinyBackbone"/> (16 px, batch 8, one loader thread).</summary>
internal static class TinyOptions
{
    public static FineTuneOptions For(string freeze, int seed, double learningRate = 0.01) => new()
    {
        MinSteps = 0,
        Backbone = TinyBackbone.Register().Name,
        Freeze = FreezePolicy.Parse(freeze),
        ImageSize = 16,
        BatchSize = 8,
        LearningRate = learningRate,
        Seed = seed,
        Workers = 1,
    };
}

/// <summary>
/// Two classes of 16×16 gray images: horizontal stripes (0) and vertical stripes (1), with seeded noise; optionally
/// three-channel (the stripes tinted orange).
/// </summary>
internal static class StripeData
{
    public static TensorSplit Split(string name, int perClass, int seed, int size = 16, int channels = 1)
    {
        var rng = new Random(seed);
        var count = 2 * perClass;
        var pixels = new byte[count * size * size];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 2;
            var phase = rng.Next(4);
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                {
                    var along = labels[i] == 0 ? y : x;
                    var on = (along + phase) % 4 < 2;
                    pixels[(i * size + y) * size + x] = (byte)Math.Clamp((on ? 200 : 40) + rng.Next(-30, 31), 0, 255);
                }
        }
        using var gray = torch.tensor(pixels, [count, 1, size, size]);
        if (channels == 1) return new TensorSplit(name, gray.clone(), labels);
        using var tint = torch.tensor(new[] { 1f, 0.6f, 0.2f }, [1, 3, 1, 1]);
        using var scope = NewDisposeScope();
        return new TensorSplit(name, gray.to_type(ScalarType.Float32).mul(tint).round().to_type(ScalarType.Byte).MoveToOuterDisposeScope(), labels);
    }

    public static ImageDataset Dataset(int trainPerClass = 24, int testPerClass = 10, bool withTest = true, int channels = 1,
        IReadOnlyList<string>? classes = null, int seed = 1) =>
        new("synthetic", "stripes", classes ?? ["horizontal", "vertical"],
            withTest
                ? [Split("train", trainPerClass, seed, channels: channels), Split("test", testPerClass, seed + 1, channels: channels)]
                : [Split("train", trainPerClass, seed, channels: channels)]);
}
