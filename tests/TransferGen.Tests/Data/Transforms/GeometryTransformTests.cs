using TorchSharp;
using TransferGen.Data.Transforms;
using static TorchSharp.torch;
using static TransferGen.Tests.Data.TestImages;

namespace TransferGen.Tests.Data.Transforms;

public class GeometryTransformTests
{
    static readonly long[] Shape4x4 = [1, 4, 4];

    [Fact]
    public void HorizontalFlipWithCertaintyReversesEveryRow()
    {
        using var image = Ramp(1, 4, 4);
        using var flipped = new RandomHorizontalFlip(p: 1).Apply(image, new Random(0));
        AssertValues(flipped, Shape4x4, [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12], 0);
    }

    [Fact]
    public void HorizontalFlipWithZeroProbabilityCopies()
    {
        using var image = Ramp(1, 4, 4);
        using var same = new RandomHorizontalFlip(p: 0).Apply(image, new Random(0));
        AssertValues(same, Shape4x4, Values(image), 0);
    }

    [Fact]
    public void ShiftRightByOneMovesColumnsAndFillsZeros()
    {
        using var image = Ramp(1, 4, 4);
        using var shifted = RandomTranslate.Shift(image, dx: 1, dy: 0);
        AssertValues(shifted, Shape4x4, [0, 0, 1, 2, 0, 4, 5, 6, 0, 8, 9, 10, 0, 12, 13, 14], 0);
    }

    [Fact]
    public void ShiftUpByOneMovesRowsAndFillsZeros()
    {
        using var image = Ramp(1, 4, 4);
        using var shifted = RandomTranslate.Shift(image, dx: 0, dy: -1);
        AssertValues(shifted, Shape4x4, [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 0, 0, 0], 0);
    }

    [Fact]
    public void ShiftLeftAndDownCombines()
    {
        using var image = Ramp(1, 4, 4);
        using var shifted = RandomTranslate.Shift(image, dx: -2, dy: 1);
        AssertValues(shifted, Shape4x4, [0, 0, 0, 0, 2, 3, 0, 0, 6, 7, 0, 0, 10, 11, 0, 0], 0);
    }

    [Fact]
    public void RandomTranslateStaysWithinItsFraction()
    {
        using var image = Ramp(1, 10, 10);
        var transform = new RandomTranslate(0.1, 0.1);
        for (int seed = 0; seed < 10; seed++)
        {
            using var shifted = transform.Apply(image, new Random(seed));
            bool matchesAShift = false;
            for (int dy = -1; dy <= 1 && !matchesAShift; dy++)
                for (int dx = -1; dx <= 1 && !matchesAShift; dx++)
                {
                    using var expected = RandomTranslate.Shift(image, dx, dy);
                    matchesAShift = Identical(expected, shifted);
                }
            Assert.True(matchesAShift, $"seed {seed}: not a shift of at most one pixel (10 % of 10)");
        }
    }

    [Fact]
    public void CenterCropPicksTheMiddlePixels()
    {
        using var image = Ramp(1, 4, 4);
        using var crop = new CenterCrop(2).Apply(image, new Random(0));
        AssertValues(crop, [1, 2, 2], [5, 6, 9, 10], 0);
    }

    [Fact]
    public void CenterCropWithOddSurplusRoundsTheOffsetDown()
    {
        using var image = Ramp(1, 4, 4);
        using var crop = new CenterCrop(2, 3).Apply(image, new Random(0));
        AssertValues(crop, [1, 2, 3], [4, 5, 6, 8, 9, 10], 0);
    }

    [Fact]
    public void CenterCropLargerThanTheImagePadsWithZeros()
    {
        using var image = Ramp(1, 2, 2);
        using var crop = new CenterCrop(4).Apply(image, new Random(0));
        AssertValues(crop, Shape4x4, [0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 3, 0, 0, 0, 0, 0], 0);
    }

    [Fact]
    public void RandomCropWithPaddingIsAShiftOfAtMostThePadding()
    {
        using var image = Ramp(1, 4, 4);
        var crop = new RandomCrop(4, 4, padding: 1);
        var seen = new HashSet<string>();
        for (int seed = 0; seed < 20; seed++)
        {
            using var result = crop.Apply(image, new Random(seed));
            bool matches = false;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    using var expected = RandomTranslate.Shift(image, dx, dy);
                    matches |= Identical(expected, result);
                }
            Assert.True(matches, $"seed {seed}");
            seen.Add(string.Join(",", Values(result)));
        }
        Assert.True(seen.Count > 1, "20 seeds all chose the same window");
    }

    [Fact]
    public void RandomCropWithoutPaddingReturnsAWindowOfTheImage()
    {
        using var image = Ramp(1, 4, 4);
        using var result = new RandomCrop(2, 2).Apply(image, new Random(3));
        var v = Values(result);
        // A 2×2 window of the ramp: top-left t, then t+1, t+4, t+5, with t in the top-left 3×3 block.
        float t = v[0];
        Assert.Contains(t, new float[] { 0, 1, 2, 4, 5, 6, 8, 9, 10 });
        Assert.Equal([t, t + 1, t + 4, t + 5], v);
    }

    [Fact]
    public void RotationByZeroIsIdentity()
    {
        using var image = Ramp(1, 3, 5);
        using var same = RandomRotation.Rotate(image, 0);
        AssertValues(same, [1, 3, 5], Values(image), 0);
    }

    [Fact]
    public void RotationByNinetyTurnsCounterClockwise()
    {
        using var image = Ramp(1, 4, 4);
        using var turned = RandomRotation.Rotate(image, 90);
        AssertValues(turned, Shape4x4, [3, 7, 11, 15, 2, 6, 10, 14, 1, 5, 9, 13, 0, 4, 8, 12], 0);
    }

    [Fact]
    public void SampledRotationByNinetyMatchesTheExactOne()
    {
        using var image = Ramp(1, 4, 4);
        using var exact = RandomRotation.Rotate(image, 90);
        using var sampled = RandomRotation.RotateBySampling(image, 90);
        AssertValues(sampled, Shape4x4, Values(exact), 1e-4f);
    }

    [Fact]
    public void SampledRotationOfANonSquareImageTurnsRigidly()
    {
        // 3×5 image turned 90° in place: the middle row of the result is the middle column of the input
        // (top to bottom becomes left to right), and the middle column comes from the middle row.
        using var image = Ramp(1, 3, 5);
        using var turned = RandomRotation.Rotate(image, 90);
        var v = Values(turned);
        float In(int row, int col) => row * 5 + col;
        Assert.Equal(new[] { 0f, In(0, 2), In(1, 2), In(2, 2), 0f }, v[5..10], new ToleranceComparer(1e-4f));
        Assert.Equal(new[] { In(1, 3), In(1, 2), In(1, 1) }, new[] { v[2], v[7], v[12] }, new ToleranceComparer(1e-4f));
    }

    [Fact]
    public void RotationBy180OfANonSquareImageReversesBothAxes()
    {
        using var image = Ramp(1, 2, 3);
        using var turned = RandomRotation.Rotate(image, -180);
        AssertValues(turned, [1, 2, 3], [5, 4, 3, 2, 1, 0], 0);
    }

    [Fact]
    public void RotationOfUInt8StaysUInt8()
    {
        using var image = Bytes([10, 20, 30, 40, 50, 60, 70, 80, 90], 1, 3, 3);
        using var turned = new RandomRotation(15).Apply(image, new Random(1));
        Assert.Equal(ScalarType.Byte, turned.dtype);
        Assert.Equal(image.shape, turned.shape);
        // The centre pixel sits on the rotation axis and keeps its value.
        Assert.Equal(50, turned[0, 1, 1].item<byte>());
    }

    [Fact]
    public void RandomRotationIsReproducibleAndVaries()
    {
        using var image = Ramp(1, 6, 6);
        var rotation = new RandomRotation(15);
        using var a = rotation.Apply(image, new Random(42));
        using var b = rotation.Apply(image, new Random(42));
        using var c = rotation.Apply(image, new Random(43));
        Assert.True(Identical(a, b));
        Assert.False(a.allclose(c));
    }

    [Fact]
    public void ResultsDoNotShareStorageWithTheInput()
    {
        using var image = Ramp(1, 4, 4);
        ITransform[] all = [new CenterCrop(4), new RandomCrop(4, 4), new RandomHorizontalFlip(0), new RandomTranslate(0, 0),
            new RandomRotation(0), new Resize(4, 4), new ToFloat(), new GrayscaleToRgb(), new RgbToGrayscale(), new Compose()];
        foreach (var transform in all)
        {
            using var result = transform.Apply(image, new Random(0));
            result.fill_(-1);
            Assert.True(image[0, 0, 0].item<float>() == 0, $"{transform} returned a view of its input");
        }
    }

    sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
