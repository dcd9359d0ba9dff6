using TransferGen.Interop.Onnx;
using static TransferGen.Benchmarks.Fuzzing.OnnxModelWriter;
using TransferGen.Benchmarks.Fuzzing;

namespace TransferGen.Tests.Interop.Onnx;

/// <summary>
/// Tiny graphs, one or two ops each, written in the test and run both by the importer and by ONNX Runtime;
/// the outputs must agree to 1e-4 of their magnitude.
/// </summary>
public sealed class OnnxOpParityTests
{
    [Fact]
    public void ConvWithAsymmetricPadsStridesDilationsAndGroupsWithoutBias()
    {
        var model = new OnnxModelWriter()
            .Input("x", 2, 4, 9, 8).Output("y")
            .Random("w", [6, 2, 3, 3])
            .Node("Conv", ["x", "w"], ["y"], "conv",
                Attr.Ints("pads", 2, 1, 0, 1), Attr.Ints("strides", 2, 1), Attr.Ints("dilations", 1, 2), Attr.Int("group", 2));
        OrtReference.AssertMatches(model.ToBytes(), [2, 4, 9, 8]);
    }

    [Fact]
    public void ConvsWhoseWeightsComeThroughIdentityNodesOfOneSharedInitializer()
    {
        // PyTorch's exporter stores equal initializers once and hands out copies with Identity nodes.
        var model = new OnnxModelWriter()
            .Input("x", 1, 3, 6, 6).Output("y")
            .Random("w1", [4, 3, 3, 3]).Random("w2", [4, 4, 1, 1]).Random("b", [4])
            .Node("Identity", ["b"], ["b_copy"], "share")
            .Node("Conv", ["x", "w1", "b"], ["c"], "conv1", Attr.Ints("pads", 1, 1, 1, 1))
            .Node("Conv", ["c", "w2", "b_copy"], ["y"], "conv2");
        OrtReference.AssertMatches(model.ToBytes(), [1, 3, 6, 6]);
        using var module = OnnxModule.Load(model.ToBytes(), "shared.onnx");
        Assert.Equal(["Conv", "Conv"], module.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void ConvWithBiasAndSymmetricPads()
    {
        var model = new OnnxModelWriter()
            .Input("x", 1, 3, 7, 7).Output("y")
            .Random("w", [5, 3, 3, 3]).Random("b", [5])
            .Node("Conv", ["x", "w", "b"], ["y"], "conv", Attr.Ints("kernel_shape", 3, 3), Attr.Ints("pads", 1, 1, 1, 1));
        OrtReference.AssertMatches(model.ToBytes(), [1, 3, 7, 7]);
    }

    [Theory]
    [InlineData("SAME_UPPER")]
    [InlineData("SAME_LOWER")]
    public void ConvWithAutoPad(string autoPad)
    {
        var model = new OnnxModelWriter()
            .Input("x", 1, 2, 9, 10).Output("y")
            .Random("w", [3, 2, 4, 4])
            .Node("Conv", ["x", "w"], ["y"], "conv", Attr.String("auto_pad", autoPad), Attr.Ints("strides", 2, 2));
        OrtReference.AssertMatches(model.ToBytes(), [1, 2, 9, 10]);
    }

    [Fact]
    public void ConvTransposeWithAsymmetricPadsAndOutputPadding()
    {
        var model = new OnnxModelWriter()
            .Input("x", 1, 4, 5, 5).Output("y")
            .Random("w", [4, 3, 3, 3]).Random("b", [3])
            .Node("ConvTranspose", ["x", "w", "b"], ["y"], "deconv",
                Attr.Ints("strides", 2, 2), Attr.Ints("pads", 1, 0, 0, 1), Attr.Ints("output_padding", 1, 1));
        OrtReference.AssertMatches(model.ToBytes(), [1, 4, 5, 5]);
    }

    [Fact]
    public void ConvTransposeWithGroupsAndSymmetricPads()
    {
        var model = new OnnxModelWriter()
            .Input("x", 2, 4, 4, 4).Output("y")
            .Random("w", [4, 2, 4, 4])
            .Node("ConvTranspose", ["x", "w"], ["y"], "deconv", Attr.Ints("strides", 2, 2), Attr.Ints("pads", 1, 1, 1, 1), Attr.Int("group", 2));
        OrtReference.AssertMatches(model.ToBytes(), [2, 4, 4, 4]);
    }

    [Fact]
    public void BatchNormalizationThenRelu()
    {
        var model = new OnnxModelWriter()
            .Input("x", 2, 3, 4, 4).Output("y")
            .Random("scale", [3]).Random("bias", [3]).Random("mean", [3]).Random("var", [3], 0.5f, 2f)
            .Node("BatchNormalization", ["x", "scale", "bias", "mean", "var"], ["n"], "bn", Attr.Float("epsilon", 1e-3f), Attr.Float("momentum", 0.8f))
            .Node("Relu", ["n"], ["y"], "relu");
        OrtReference.AssertMatches(model.ToBytes(), [2, 3, 4, 4]);
    }

    [Fact]
    public void ActivationsJoinedByConcat()
    {
        var model = new OnnxModelWriter()
            .Input("x", 2, 3, 4, 5).Output("y")
            .Node("LeakyRelu", ["x"], ["a"], "leaky", Attr.Float("alpha", 0.2f))
            .Node("Sigmoid", ["x"], ["b"], "sigmoid")
            .Node("Tanh", ["x"], ["c"], "tanh")
            .Node("Relu", ["x"], ["d"], "relu")
            .Node("Concat", ["a", "b", "c", "d"], ["y"], "concat", Attr.Int("axis", 1));
        OrtReference.AssertMatches(model.ToBytes(), [2, 3, 4, 5]);
    }

    [Theory]
    [InlineData(8, 0)]
    [InlineData(7, 1)]
    public void MaxPoolWithAsymmetricPads(int size, int ceil)
    {
        var model = new OnnxModelWriter(opset: 12)
            .Input("x", 1, 2, size, size).Output("y")
            .Node("MaxPool", ["x"], ["y"], "pool",
                Attr.Ints("kernel_shape", 3, 3), Attr.Ints("strides", 2, 2), Attr.Ints("pads", 1, 1, 0, 0), Attr.Int("ceil_mode", ceil));
        OrtReference.AssertMatches(model.ToBytes(), [1, 2, size, size]);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    public void AveragePoolWithAsymmetricPads(int countIncludePad, int ceil)
    {
        var model = new OnnxModelWriter(opset: 12)
            .Input("x", 1, 2, 7, 6).Output("y")
            .Node("AveragePool", ["x"], ["y"], "pool",
                Attr.Ints("kernel_shape", 3, 2), Attr.Ints("strides", 2, 2), Attr.Ints("pads", 0, 1, 2, 0),
                Attr.Int("count_include_pad", countIncludePad), Attr.Int("ceil_mode", ceil));
        OrtReference.AssertMatches(model.ToBytes(), [1, 2, 7, 6]);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(0, 1)]
    public void AveragePoolWithSymmetricPads(int countIncludePad, int ceil)
    {
        var model = new OnnxModelWriter(opset: 12)
            .Input("x", 2, 3, 6, 6).Output("y")
            .Node("AveragePool", ["x"], ["y"], "pool",
                Attr.Ints("kernel_shape", 3, 3), Attr.Ints("strides", 2, 2), Attr.Ints("pads", 1, 1, 1, 1),
                Attr.Int("count_include_pad", countIncludePad), Attr.Int("ceil_mode", ceil));
        OrtReference.AssertMatches(model.ToBytes(), [2, 3, 6, 6]);
    }

    [Fact]
    public void ClassifierHead_GlobalAveragePoolFlattenGemmSoftmax()
    {
        var model = new OnnxModelWriter()
            .Input("x", 3, 8, 5, 5).Output("y")
            .Random("w", [4, 8]).Random("c", [4])
            .Node("GlobalAveragePool", ["x"], ["g"], "gap")
            .Node("Flatten", ["g"], ["f"], "flatten", Attr.Int("axis", 1))
            .Node("Gemm", ["f", "w", "c"], ["z"], "fc", Attr.Int("transB", 1), Attr.Float("alpha", 0.5f), Attr.Float("beta", 2f))
            .Node("Softmax", ["z"], ["y"], "softmax");
        OrtReference.AssertMatches(model.ToBytes(), [3, 8, 5, 5]);
    }

    [Fact]
    public void GemmWithTransposedInputAndFullMatrixC()
    {
        var model = new OnnxModelWriter()
            .Input("x", 6, 3).Output("y")
            .Random("b", [6, 4]).Random("c", [3, 4])
            .Node("Gemm", ["x", "b", "c"], ["y"], "gemm", Attr.Int("transA", 1));
        OrtReference.AssertMatches(model.ToBytes(), [6, 3]);
    }

    [Fact]
    public void MatMulAddReshapeAndLegacySoftmax()
    {
        var model = new OnnxModelWriter(opset: 11)
            .Input("x", 2, 3, 4).Output("y")
            .Random("w", [4, 6]).Random("bias", [6])
            .Int64s("shape", 0, -1, 2)
            .Node("MatMul", ["x", "w"], ["m"], "matmul")
            .Node("Add", ["m", "bias"], ["a"], "add")
            .Node("Reshape", ["a", "shape"], ["r"], "reshape")
            .Node("Softmax", ["r"], ["y"], "softmax", Attr.Int("axis", 1));
        OrtReference.AssertMatches(model.ToBytes(), [2, 3, 4]);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void SplitArithmeticAndConcat(int opset)
    {
        var model = new OnnxModelWriter(opset: opset)
            .Input("x", 2, 4, 3, 3).Output("y")
            .Random("scale", [1, 2, 1, 1]).Random("offset", [3])
            .Node("Constant", [], ["two"], "const", Attr.Tensor("value", [], [2f]));
        var split = opset < 13
            ? model.Node("Split", ["x"], ["a", "b", "c"], "split", Attr.Int("axis", 1), Attr.Ints("split", 1, 2, 1))
            : model.Int64s("sizes", 1, 2, 1).Node("Split", ["x", "sizes"], ["a", "b", "c"], "split", Attr.Int("axis", 1));
        split
            .Node("Mul", ["b", "scale"], ["b2"], "mul")
            .Node("Sub", ["c", "offset"], ["c2"], "sub")
            .Node("Mul", ["a", "two"], ["a2"], "double")
            .Node("Concat", ["c2", "a2", "b2"], ["y"], "concat", Attr.Int("axis", 1));
        OrtReference.AssertMatches(model.ToBytes(), [2, 4, 3, 3]);
    }

    [Fact]
    public void DropoutIdentityAndReshapeFromConstantNode()
    {
        var model = new OnnxModelWriter()
            .Input("x", 2, 3, 4).Output("y")
            .Node("Constant", [], ["shape"], "shape_const", Attr.Int64Tensor("value", [2], [0, -1]))
            .Node("Dropout", ["x"], ["d"], "dropout")
            .Node("Identity", ["d"], ["i"], "identity")
            .Node("Reshape", ["i", "shape"], ["y"], "reshape");
        OrtReference.AssertMatches(model.ToBytes(), [2, 3, 4]);
    }
}
