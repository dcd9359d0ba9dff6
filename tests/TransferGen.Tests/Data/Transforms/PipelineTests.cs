using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
using static TorchSharp.torch;
using static TransferGen.Tests.Data.TestImages;

namespace TransferGen.Tests.Data.Transforms;

public class PipelineTests
{
    [Fact]
    public void ComposeAppliesStepsInOrder()
    {
        using var image = Ramp(1, 4, 4);
        var flipThenCrop = new Compose(new RandomHorizontalFlip(1), new CenterCrop(2, 3));
        var cropThenFlip = new Compose(new CenterCrop(2, 3), new RandomHorizontalFlip(1));
        using var a = flipThenCrop.Apply(image, new Random(0));
        using var b = cropThenFlip.Apply(image, new Random(0));
        AssertValues(a, [1, 2, 3], [7, 6, 5, 11, 10, 9], 0);
        AssertValues(b, [1, 2, 3], [6, 5, 4, 10, 9, 8], 0);
    }

    [Fact]
    public void ToFloatThenNormalizeMapsBytesToMinusOneToOne()
    {
        using var image = Bytes([0, 255], 1, 1, 2);
        var pipeline = new Compose(new ToFloat(), new Normalize([0.5], [0.5]));
        using var result = pipeline.Apply(image, new Random(0));
        AssertValues(result, [1, 1, 2], [-1, 1], 1e-6f);
        Assert.Throws<ArgumentException>(() => new Compose(new Normalize([0.5], [0.5]), new ToFloat()).Apply(image, new Random(0)));
    }

    [Fact]
    public void SameSeedSameAugmentationDifferentSeedDifferent()
    {
        using var image = Ramp(1, 8, 8);
        var pipeline = new Compose(new ToFloat(), Augmentation.OriginalDesign());
        using var a = pipeline.Apply(image, new Random(7));
        using var b = pipeline.Apply(image, new Random(7));
        Assert.True(Identical(a, b));
        int differing = 0;
        for (int seed = 8; seed < 13; seed++)
        {
            using var other = pipeline.Apply(image, new Random(seed));
            if (!other.allclose(a)) differing++;
        }
        Assert.True(differing >= 4, $"only {differing} of 5 other seeds changed the augmentation");
    }

    [Fact]
    public void OriginalDesignIsRotationShiftAndFlip()
    {
        var steps = Augmentation.OriginalDesign().Steps;
        Assert.Collection(steps,
            s => Assert.Equal("RandomRotation(±15°)", s.ToString()),
            s => Assert.IsType<RandomTranslate>(s),
            s => Assert.Equal("RandomHorizontalFlip(p=0.5)", s.ToString()));
        Assert.True(Augmentation.OriginalDesign().IsRandom);
        Assert.False(new Compose(new ToFloat(), new Resize(2, 2)).IsRandom);
    }

    [Fact]
    public void OriginalDesignWorksOnBytesToo()
    {
        using var image = torch.arange(64, dtype: ScalarType.Byte).reshape(1, 8, 8);
        using var augmented = Augmentation.OriginalDesign().Apply(image, new Random(5));
        Assert.Equal(ScalarType.Byte, augmented.dtype);
        Assert.Equal(image.shape, augmented.shape);
    }

    public static TheoryData<string> AllTransforms => new(Catalogue.Keys);

    static readonly Dictionary<string, ITransform> Catalogue = new ITransform[]
    {
        new ToFloat(), new Resize(5, 3), Resize.ShorterSide(2), new CenterCrop(2, 3), new RandomCrop(3, 3, padding: 2),
        new RandomTranslate(0.3, 0.3), new RandomRotation(30), new RandomHorizontalFlip(), new GrayscaleToRgb(),
        new RgbToGrayscale(), new Normalize([0.5], [0.25], scale: 2), Augmentation.OriginalDesign(),
        new Compose(new ToFloat(), new GrayscaleToRgb(), new Resize(6, 6), new Normalize([0.1, 0.2, 0.3], [1, 2, 3])),
    }.ToDictionary(t => t.ToString()!);

    [Theory]
    [MemberData(nameof(AllTransforms))]
    public void OutputShapeIsTheShapeProduced(string name)
    {
        var transform = Catalogue[name];
        using var image = Ramp(1, 4, 6);
        using var result = transform.Apply(image, new Random(1));
        var predicted = transform.OutputShape(new ImageShape(1, 4, 6));
        Assert.Equal(predicted.ToArray(), result.shape);
    }

    [Theory]
    [MemberData(nameof(AllTransforms))]
    public void NoTensorOutlivesTheResult(string name)
    {
        var transform = Catalogue[name];
        using var image = Ramp(1, 4, 6);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var result = transform.Apply(image, new Random(1))) { }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        using (var scope = torch.NewDisposeScope())
        {
            transform.Apply(image, new Random(1));
            // Only the result is left in the scope: intermediates were disposed, not parked there.
            Assert.Equal(1, scope.DisposablesCount);
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void DeterministicTransformsTreatABatchLikeSingleImages()
    {
        var pipeline = new Compose(new ToFloat(), new GrayscaleToRgb(), new Resize(3, 5), new CenterCrop(2, 4),
            new RgbToGrayscale(), new Normalize([0.5], [0.5]));
        using var batch = torch.arange(2 * 4 * 6, dtype: ScalarType.Byte).reshape(2, 1, 4, 6);
        using var together = pipeline.Apply(batch, new Random(0));
        using var first = batch[0];
        using var second = batch[1];
        using var alone0 = pipeline.Apply(first, new Random(0));
        using var alone1 = pipeline.Apply(second, new Random(0));
        using var stacked = torch.stack([alone0, alone1]);
        Assert.True(together.allclose(stacked, atol: 1e-6));
    }
}
