using TransferGen.Interop.Onnx;
using static TransferGen.Benchmarks.Fuzzing.OnnxModelWriter;
using TransferGen.Benchmarks.Fuzzing;

namespace TransferGen.Tests.Interop.Onnx;

/// <summary>Files the importer cannot use fail with an InputException that names the file, node or op.</summary>
public sealed class OnnxImportErrorTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("onnx-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void UnsupportedOpNamesTheOpAndTheNode()
    {
        var model = new OnnxModelWriter()
            .Input("x", 1, 4).Output("y")
            .Node("Relu", ["x"], ["r"], "relu")
            .Node("Hardmax", ["r"], ["y"], "pick_max");
        var e = Assert.Throws<InputException>(() => OnnxModule.Load(model.ToBytes(), "head.onnx"));
        Assert.Contains("'Hardmax'", e.Message);
        Assert.Contains("'pick_max'", e.Message);
        Assert.Contains("head.onnx", e.Message);
    }

    [Fact]
    public void OpFromAnotherDomainIsUnsupportedEvenWithAKnownName()
    {
        var model = new OnnxModelWriter()
            .Input("x", 1, 4).Output("y")
            .DomainNode("com.example", "Relu", ["x"], ["y"], "");
        var e = Assert.Throws<InputException>(() => OnnxModule.Load(model.ToBytes(), "m.onnx"));
        Assert.Contains("'com.example'", e.Message);
        Assert.Contains("Relu_0", e.Message);
    }

    [Fact]
    public void TruncatedFileNamesTheFile()
    {
        var bytes = File.ReadAllBytes(ResNet18ImageNet.PreprocessPath);
        string path = Path.Combine(_dir, "cut.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InputException>(() => OnnxModule.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void FileThatIsNotAModelNamesTheFile()
    {
        string path = Path.Combine(_dir, "notes.onnx");
        File.WriteAllText(path, "these are not the weights you are looking for");
        var e = Assert.Throws<InputException>(() => OnnxModule.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MissingFileNamesTheFile()
    {
        string path = Path.Combine(_dir, "absent.onnx");
        var e = Assert.Throws<InputException>(() => OnnxModule.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ComputedConvWeightIsRejectedWithTheNodeName()
    {
        var model = new OnnxModelWriter()
            .Input("x", 1, 1, 4, 4).Output("y")
            .Node("Relu", ["x"], ["w"], "relu")
            .Node("Conv", ["x", "w"], ["y"], "dynamic_conv");
        var e = Assert.Throws<InputException>(() => OnnxModule.Load(model.ToBytes(), "m.onnx"));
        Assert.Contains("'dynamic_conv'", e.Message);
        Assert.Contains("weight", e.Message);
    }

    [Fact]
    public void ValueThatNothingProducesIsReported()
    {
        var model = new OnnxModelWriter().Input("x", 1, 4).Output("y").Node("Add", ["x", "ghost"], ["y"], "add");
        var e = Assert.Throws<InputException>(() => OnnxModule.Load(model.ToBytes(), "m.onnx"));
        Assert.Contains("'ghost'", e.Message);
    }
}
