using TransferGen.Data;
using TransferGen.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Models.Gan;

public class GanModelShapeTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var variant in new[] { "mlp", "dcgan", "dcgan-sn", "cdcgan-proj", "cdcgan-ac" })
            foreach (var size in new[] { 28, 32, 64 })
                foreach (var channels in new[] { 1, 3 })
                    data.Add(variant, size, channels);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GeneratorAndDiscriminatorProduceTheDocumentedShapes(string variant, int size, int channels)
    {
        using var scope = NewDisposeScope();
        var shape = new ImageShape(channels, size, size);
        var (g, d) = TinyGan.Create(variant, shape, classes: 5);
        const int batch = 3;
        var z = randn(batch, g.LatentDim);
        var labels = g.ClassCount is null ? null : tensor(new long[] { 0, 4, 2 });

        var images = g.Generate(z, labels);
        Assert.Equal(new long[] { batch, channels, size, size }, images.shape);
        Assert.True(images.abs().max().item<float>() <= 1f, "tanh output must lie in [-1, 1]");

        var (logit, classLogits) = d.Forward(images, labels);
        Assert.Equal(new long[] { batch }, logit.shape);
        if (variant == "cdcgan-ac")
            Assert.Equal(new long[] { batch, 5 }, classLogits!.shape);
        else
            Assert.Null(classLogits);
        Assert.Equal(variant.StartsWith("cdcgan") ? 5 : null, g.ClassCount);
        Assert.Equal(variant == "cdcgan-proj", d.NeedsLabels);
    }

    [Fact]
    public void MlpFitsAnyImageShape()
    {
        using var scope = NewDisposeScope();
        var shape = new ImageShape(3, 20, 17);
        var (g, d) = GanFactory.Create("mlp", shape, 0, TinyGan.Options());
        var images = g.Generate(randn(2, 8));
        Assert.Equal(new long[] { 2, 3, 20, 17 }, images.shape);
        Assert.Equal(new long[] { 2 }, d.Forward(images).Logit.shape);
    }

    [Fact]
    public void ConditionalGeneratorDependsOnTheLabel()
    {
        using var scope = NewDisposeScope();
        var (g, _) = TinyGan.Create("cdcgan-ac", new ImageShape(1, 28, 28));
        g.eval();
        var z = randn(1, g.LatentDim).expand(2, -1);
        var images = g.Generate(z, tensor(new long[] { 0, 1 }));
        Assert.True((images[0] - images[1]).abs().max().item<float>() > 1e-4f);
    }

    [Theory]
    [InlineData(1, 48, 48)]
    [InlineData(3, 32, 28)]
    [InlineData(2, 32, 32)]
    public void DcganRejectsUnsupportedShapesWithAnInputException(int c, int h, int w)
    {
        var ex = Assert.Throws<InputException>(() => GanFactory.Create("dcgan", new ImageShape(c, h, w), 0, TinyGan.Options()));
        Assert.Contains($"{c}×{h}×{w}", ex.Message);
    }

    [Fact]
    public void FactoryRejectsUnknownArchitecturesAndTooFewClasses()
    {
        var shape = new ImageShape(1, 28, 28);
        Assert.Contains("stylegan", Assert.Throws<InputException>(() => GanFactory.Create("stylegan", shape, 10)).Message);
        Assert.Throws<InputException>(() => GanFactory.Create("cdcgan", shape, 1, TinyGan.Options()));
        Assert.True(GanFactory.IsConditional("CDCGAN"));
        Assert.False(GanFactory.IsConditional("dcgan"));
    }

    [Fact]
    public void MissingOrMismatchedInputsGiveClearErrors()
    {
        using var scope = NewDisposeScope();
        var (g, d) = TinyGan.Create("cdcgan-proj", new ImageShape(1, 28, 28));
        Assert.Throws<ArgumentException>(() => g.Generate(randn(2, g.LatentDim)));
        Assert.Throws<ArgumentException>(() => g.Generate(randn(2, g.LatentDim + 1), tensor(new long[] { 0, 1 })));
        Assert.Throws<ArgumentException>(() => d.Forward(randn(2, 1, 28, 28)));
        Assert.Throws<ArgumentException>(() => d.Forward(randn(2, 3, 28, 28), tensor(new long[] { 0, 1 })));
    }
}
