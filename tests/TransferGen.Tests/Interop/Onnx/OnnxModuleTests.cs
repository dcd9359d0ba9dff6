using TorchSharp;
using TransferGen.Interop.Onnx;
using static TorchSharp.torch;
using static TransferGen.Benchmarks.Fuzzing.OnnxModelWriter;
using TransferGen.Benchmarks.Fuzzing;

namespace TransferGen.Tests.Interop.Onnx;

/// <summary>The imported module as a torch module: names, state_dict, train/eval, memory, global pooling.</summary>
public sealed class OnnxModuleTests
{
    // conv → bn → relu → maxpool → reshape → gemm; `bias` varies the conv bias so two imports differ.
    static byte[] SmallNet(float bias = 0.1f, float momentum = 0.9f)
    {
        return new OnnxModelWriter()
            .Input("image", null, 2, 6, 6).Output("logits")
            .Random("conv1.weight", [4, 2, 3, 3]).Initializer("conv1.bias", [4], [bias, -bias, bias, 0])
            .Random("bn1.scale", [4]).Random("bn1.shift", [4]).Random("bn1.mean", [4]).Random("bn1.var", [4], 0.5f, 1.5f)
            .Random("fc.weight", [3, 16]).Random("fc.bias", [3])
            .Int64s("flat", 0, -1)
            .Node("Conv", ["image", "conv1.weight", "conv1.bias"], ["c"], "conv1", Attr.Ints("pads", 1, 1, 1, 1))
            .Node("BatchNormalization", ["c", "bn1.scale", "bn1.shift", "bn1.mean", "bn1.var"], ["b"], "bn1", Attr.Float("momentum", momentum))
            .Node("Relu", ["b"], ["r"], "")
            .Node("MaxPool", ["r"], ["p"], "pool", Attr.Ints("kernel_shape", 2, 2), Attr.Ints("strides", 3, 3))
            .Node("Reshape", ["p", "flat"], ["f"], "flatten")
            .Node("Gemm", ["f", "fc.weight", "fc.bias"], ["logits"], "fc", Attr.Int("transB", 1))
            .ToBytes();
    }

    [Fact]
    public void SupportedOpsCoverTheCommonCnnOps()
    {
        string[] needed = ["Conv", "ConvTranspose", "BatchNormalization", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "MaxPool",
            "AveragePool", "GlobalAveragePool", "Add", "Sub", "Mul", "Concat", "Split", "Flatten", "Reshape", "Gemm", "MatMul",
            "Dropout", "Softmax", "Constant", "Identity"];
        Assert.Empty(needed.Except(OnnxModule.SupportedOps));
    }

    [Fact]
    public void ChildrenAreTheWeightedNodesInGraphOrderWithReadableKeys()
    {
        using var module = OnnxModule.Load(SmallNet(), "small.onnx");
        Assert.Equal(["conv1", "bn1", "fc"], module.named_children().Select(c => c.name));
        Assert.Equal(["Conv", "BatchNormalization", "Relu", "MaxPool", "Reshape", "Gemm"], module.Nodes.Select(n => n.OpType));
        Assert.Equal("Relu_2", module.Nodes[2].Name);
        Assert.Null(module.Nodes[2].ModuleName);
        Assert.Equal("bn1", module.Nodes[1].ModuleName);
        // TorchSharp lists parameters before buffers, so compare as sets.
        Assert.Equal(
            new[] { "conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked", "fc.weight", "fc.bias" }.Order(),
            module.state_dict().Keys.Order());
        Assert.Equal("bn1.running_var", module.InitializerKeys["bn1.var"]);
        Assert.Equal("conv1.bias", module.InitializerKeys["conv1.bias"]);
        Assert.IsType<TorchSharp.Modules.BatchNorm2d>(module.named_children().ElementAt(1).module);
        Assert.True(module.parameters().All(p => p.requires_grad));
    }

    [Fact]
    public void StateDictRoundTripsThroughAFile()
    {
        using var scope = NewDisposeScope();
        using var source = OnnxModule.Load(SmallNet(bias: 0.5f), "a.onnx");
        using var target = OnnxModule.Load(SmallNet(bias: -2f), "b.onnx");
        source.eval();
        target.eval();
        var input = randn(2, 2, 6, 6);
        using (no_grad())
        {
            Assert.False(source.forward(input).allclose(target.forward(input)));
            string path = Path.GetTempFileName();
            try
            {
                source.save(path);
                target.load(path);
            }
            finally
            {
                File.Delete(path);
            }
            Assert.True(source.forward(input).allclose(target.forward(input), rtol: 0, atol: 0));
        }
    }

    [Fact]
    public void BatchNormUsesBatchStatisticsInTrainingAndUpdatesRunningStatsWithOnnxMomentum()
    {
        using var scope = NewDisposeScope();
        using var module = OnnxModule.Load(SmallNet(momentum: 0.75f), "m.onnx");
        var bn = (TorchSharp.Modules.BatchNorm2d)module.named_children().ElementAt(1).module;
        Assert.Equal(0.25, bn.momentum!.Value, 6);
        var before = bn.running_mean!.clone();
        var input = randn(4, 2, 6, 6);
        module.train();
        using (no_grad()) module.forward(input);
        // The running mean moved a quarter of the way (torch momentum 1 - 0.75) toward the batch mean.
        var conv = module.named_children().First().module as TorchSharp.Modules.Conv2d;
        Tensor batchMean;
        using (no_grad()) batchMean = conv!.forward(input).mean([0L, 2L, 3L]);
        var expected = before * 0.75 + batchMean * 0.25;
        Assert.True(bn.running_mean!.allclose(expected, rtol: 1e-5, atol: 1e-5));
        module.eval();
        Tensor first, second;
        using (no_grad()) { first = module.forward(input); second = module.forward(input); }
        Assert.True(first.allclose(second, rtol: 0, atol: 0));
    }

    [Fact]
    public void ForwardLeavesOnlyItsResultBehindAndNeverReturnsTheInput()
    {
        var identity = new OnnxModelWriter().Input("x", 1, 3).Output("y").Node("Identity", ["x"], ["y"], "id").ToBytes();
        using var net = OnnxModule.Load(SmallNet(), "m.onnx");
        using var id = OnnxModule.Load(identity, "id.onnx");
        net.eval();
        using var scope = NewDisposeScope();
        var input = randn(2, 2, 6, 6);
        long before = scope.DisposablesCount;
        using (no_grad())
        {
            var output = net.forward(input);
            Assert.Equal(before + 1, scope.DisposablesCount);
            var x = ones(1, 3);
            var y = id.forward(x);
            Assert.NotSame(x, y);
            y.Dispose();
            Assert.Equal(3f, x.sum().item<float>());
            Assert.Equal([2L, 3], output.shape);
        }
    }

    [Fact]
    public void FinalWholeMapPoolBecomesGlobalSoOtherSizesWork()
    {
        byte[] Net(string poolOp, long? size, params byte[][] attributes) => new OnnxModelWriter()
            .Input("x", null, 3, size, size).Output("y")
            .Random("w", [5, 3, 3, 3])
            .Node("Conv", ["x", "w"], ["c"], "conv", Attr.Ints("strides", 2, 2), Attr.Ints("pads", 1, 1, 0, 0))
            .Node(poolOp, ["c"], ["y"], "pool", attributes)
            .ToBytes();

        // At its native 16×16 input the conv gives an 8×8 map, exactly the pool's window.
        using var imported = OnnxModule.Load(Net("AveragePool", 16, Attr.Ints("kernel_shape", 8, 8)), "avg.onnx");
        imported.eval();
        using var scope = NewDisposeScope();
        var big = randn(2, 3, 40, 40);
        Tensor ours;
        using (no_grad()) ours = imported.forward(big);
        Assert.Equal([2L, 5, 1, 1], ours.shape);
        using var session = OrtReference.Session(Net("GlobalAveragePool", null));
        var reference = OrtReference.Run(session, big);
        Assert.True(ours.allclose(reference, rtol: 1e-4, atol: 1e-5));

        // At the native size it is still the file's own pooling, and switching can be turned off.
        OrtReference.AssertMatches(Net("AveragePool", 16, Attr.Ints("kernel_shape", 8, 8)), [2, 3, 16, 16]);
        using var literal = OnnxModule.Load(Net("MaxPool", 16, Attr.Ints("kernel_shape", 8, 8)), "max.onnx",
            new OnnxImportOptions { GlobalizeFinalPool = false });
        using (no_grad()) Assert.Equal([2L, 5, 13, 13], literal.forward(big).shape);
    }
}
