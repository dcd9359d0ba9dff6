using TransferGen.Data;
using static TransferGen.Tests.Data.TestImages;

namespace TransferGen.Tests.Data;

public class SubsamplingTests
{
    // 10 images of class 0, 5 of class 1, 2 of class 2, 1 of class 3, interleaved.
    static readonly int[] Labels = [0, 1, 0, 2, 0, 1, 0, 0, 3, 1, 0, 0, 2, 1, 0, 0, 1, 0];

    static ImageSplit Split() => FromFunction(Labels, _ => throw new InvalidOperationException("not read"), new ImageShape(1, 1, 1));

    static IReadOnlyList<int> Indices(ImageSplit subset) => ((SubsetSplit)subset).SourceIndices;

    [Fact]
    public void PerClassTakesKOfEachClassOrAllOfASmallerOne()
    {
        var subset = Subsampling.PerClass(Split(), k: 3, seed: 1);
        Assert.Equal([3, 3, 2, 1], subset.CountPerClass(4));
        var indices = Indices(subset);
        Assert.Equal(indices.Order(), indices);
        Assert.Equal(indices.Count, indices.Distinct().Count());
        for (int i = 0; i < subset.Count; i++) Assert.Equal(Labels[indices[i]], subset.Labels[i]);
    }

    [Fact]
    public void PerClassIsAPureFunctionOfTheSeed()
    {
        var first = Indices(Subsampling.PerClass(Split(), 3, seed: 5));
        var again = Indices(Subsampling.PerClass(Split(), 3, seed: 5));
        Assert.Equal(first, again);
        var others = Enumerable.Range(6, 5).Select(seed => Indices(Subsampling.PerClass(Split(), 3, seed)));
        Assert.Contains(others, o => !o.SequenceEqual(first));
    }

    [Fact]
    public void PerClassWithLargeKKeepsEverything()
    {
        var subset = Subsampling.PerClass(Split(), k: 100, seed: 0);
        Assert.Equal(Enumerable.Range(0, Labels.Length), Indices(subset));
    }

    [Fact]
    public void PerClassRejectsKBelowOne()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Subsampling.PerClass(Split(), 0, 1));
        Assert.Equal("k", error.ParamName);
    }

    [Fact]
    public void StratifiedSplitIsDisjointCoveringAndProportional()
    {
        var (train, test) = Subsampling.StratifiedSplit(Split(), 0.2, seed: 3);
        Assert.Equal("train", train.Name);
        Assert.Equal("test", test.Name);
        // Class 0: 10 → 2 test; class 1: 5 → 1; class 2: 2 → round(0.4) = 0, raised to 1; class 3: 1 → 0.
        Assert.Equal([2, 1, 1, 0], test.CountPerClass(4));
        Assert.Equal([8, 4, 1, 1], train.CountPerClass(4));
        var trainIndices = Indices(train);
        var testIndices = Indices(test);
        Assert.Empty(trainIndices.Intersect(testIndices));
        Assert.Equal(Enumerable.Range(0, Labels.Length), trainIndices.Concat(testIndices).Order());
        Assert.Equal(trainIndices.Order(), trainIndices);
    }

    [Fact]
    public void StratifiedSplitIsAPureFunctionOfTheSeed()
    {
        var a = Subsampling.StratifiedSplit(Split(), 0.3, seed: 9, "fit", "holdout");
        var b = Subsampling.StratifiedSplit(Split(), 0.3, seed: 9);
        Assert.Equal(Indices(a.Test), Indices(b.Test));
        Assert.Equal("holdout", a.Test.Name);
        var others = Enumerable.Range(10, 5).Select(seed => Indices(Subsampling.StratifiedSplit(Split(), 0.3, seed).Test));
        Assert.Contains(others, o => !o.SequenceEqual(Indices(a.Test)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void StratifiedSplitRejectsFractionsOutsideTheOpenInterval(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Subsampling.StratifiedSplit(Split(), fraction, 0));
    }

    [Fact]
    public void StratifiedSplitOfSingletonClassesIsAnInputError()
    {
        var singles = FromFunction([0, 1, 2], _ => throw new InvalidOperationException(), new ImageShape(1, 1, 1));
        Assert.Throws<InputException>(() => Subsampling.StratifiedSplit(singles, 0.5, 0));
    }

    [Fact]
    public void Classes_with_fewer_than_k_images_are_counted_and_named()
    {
        // labels 0, 1, 2, 3, 0, 1, 2, 3, 0, 1: classes 0 and 1 have 3 images, 2 and 3 have 2; class 4 has none.
        var split = FromFunction(Enumerable.Range(0, 10).Select(i => i % 4).ToArray(), _ => throw new InvalidOperationException(), new ImageShape(1, 1, 1));
        string[] classes = ["a", "b", "c", "d", "e"];

        Assert.Equal([3, 3, 2, 2, 0], Subsampling.PerClassCounts(split, 100, 5));
        Assert.Equal([3, 3, 2, 2, 0], Subsampling.PerClass(split, 100, 0).CountPerClass(5));
        Assert.Equal([2, 2, 2, 2, 0], Subsampling.PerClassCounts(split, 2, 5));
        Assert.Equal("3 labels per class were asked for, but 3 of 5 classes have fewer images in 'synthetic', so all of theirs are used: c 2, d 2, e 0.",
            Subsampling.ShortClassesWarning(split, 3, classes));
        Assert.Null(Subsampling.ShortClassesWarning(split, 2, classes[..4]));
    }
}
