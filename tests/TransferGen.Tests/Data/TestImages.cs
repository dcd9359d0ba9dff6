using TorchSharp;
using TransferGen.Data;
using static TorchSharp.torch;

namespace TransferGen.Tests.Data;

/// <summary>Tiny synthetic images and splits for the data tests.</summary>
internal static class TestImages
{
    /// <summary>A float32 image [c, h, w] holding 0, 1, 2, ... in row-major order.</summary>
    public static Tensor Ramp(int c, int h, int w) =>
        torch.arange(c * h * w, dtype: ScalarType.Float32).reshape(c, h, w);

    /// <summary>A float32 tensor of the given shape and values.</summary>
    public static Tensor Float(float[] values, params long[] shape) => torch.tensor(values, shape);

    /// <summary>A uint8 tensor of the given shape and values.</summary>
    public static Tensor Bytes(byte[] values, params long[] shape) => torch.tensor(values, shape);

    /// <summary>The values of a float32 tensor, row-major.</summary>
    public static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    /// <summary>True when both tensors have the same shape, type and exactly the same values.</summary>
    public static bool Identical(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.allclose(b, rtol: 0, atol: 0);

    /// <summary>Asserts that <paramref name="actual"/> has the expected shape and values (within a tolerance).</summary>
    public static void AssertValues(Tensor actual, long[] shape, float[] expected, float tolerance = 1e-5f)
    {
        Assert.Equal(shape, actual.shape);
        Assert.Equal(ScalarType.Float32, actual.dtype);
        var values = Values(actual);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(values[i] - expected[i]) <= tolerance,
                $"element {i}: expected {expected[i]}, got {values[i]} (all: {string.Join(", ", values)})");
    }

    /// <summary>
    /// A tensor-backed split of <paramref name="count"/> uint8 images 1×<paramref name="size"/>×<paramref name="size"/>;
    /// every pixel of image i is i mod 256, its label i mod <paramref name="classes"/>.
    /// </summary>
    public static TensorSplit NumberedSplit(int count, int classes = 3, int size = 2, string name = "train")
    {
        var values = Enumerable.Range(0, count).SelectMany(i => Enumerable.Repeat((byte)(i % 256), size * size)).ToArray();
        var images = torch.tensor(values, [count, 1, size, size]);
        return new TensorSplit(name, images, Enumerable.Range(0, count).Select(i => i % classes).ToArray());
    }

    /// <summary>A split of given labels whose images are made by a function (not tensor-backed).</summary>
    public static ImageSplit FromFunction(IReadOnlyList<int> labels, Func<int, Tensor> read, ImageShape shape) =>
        new FunctionSplit(labels, read, shape);

    /// <summary>The same images as <paramref name="split"/>, but read one by one (so no gather fast path).</summary>
    public static ImageSplit Unbacked(ImageSplit split) => new FunctionSplit(split.Labels, split.Read, split.Shape);

    sealed class FunctionSplit(IReadOnlyList<int> labels, Func<int, Tensor> read, ImageShape shape) : ImageSplit
    {
        public override string Name => "synthetic";
        public override IReadOnlyList<int> Labels => labels;
        public override ImageShape Shape => shape;
        public override Tensor Read(int index) => read(index);
    }
}
