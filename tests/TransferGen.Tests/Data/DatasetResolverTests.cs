using TransferGen.Data;
using static TransferGen.Tests.Data.TestFiles;

namespace TransferGen.Tests.Data;

public class DatasetResolverTests
{
    [Fact]
    public void DetectsIdxFolders()
    {
        using var temp = new TempFolder();
        WriteIdxPair(temp.Path, "train", Pattern(2, 4), 2, 2, 2, [0, 1], gzip: true);

        var dataset = DatasetResolver.Load(temp.Path);

        Assert.Equal("idx", dataset.Format);
        Assert.Equal(new ImageShape(1, 2, 2), dataset.Shape);
    }

    [Fact]
    public void DetectsCifar10()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["data_batch_1.bin"], CifarRecords([[1]]));
        File.WriteAllBytes(temp["test_batch.bin"], CifarRecords([[2]]));

        Assert.Equal("cifar10", DatasetResolver.Load(temp.Path).Format);
    }

    [Fact]
    public void DetectsCifar100()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["train.bin"], CifarRecords([[1, 2]]));
        File.WriteAllBytes(temp["test.bin"], CifarRecords([[1, 3]]));
        File.WriteAllLines(temp["fine_label_names.txt"], Enumerable.Range(0, 100).Select(i => $"n{i}"));

        var dataset = DatasetResolver.Load(temp.Path);

        Assert.Equal("cifar100", dataset.Format);
        Assert.Equal("n3", dataset.Classes[dataset["test"].Labels[0]]);
    }

    [Fact]
    public void OtherFoldersAreImageFolders()
    {
        using var temp = new TempFolder();
        WriteImage(temp["a/1.png"], 3, 3);
        WriteImage(temp["a/2.png"], 3, 3);

        var dataset = DatasetResolver.Load(temp.Path, new DatasetOptions { TestFraction = 0.5 });

        Assert.Equal("imagefolder", dataset.Format);
        Assert.Equal(1, dataset["test"].Count);
    }

    [Fact]
    public void MissingPathSaysSo()
    {
        using var temp = new TempFolder();
        var missing = temp["nope"];

        var e = Assert.Throws<InputException>(() => DatasetResolver.Load(missing));

        Assert.Contains($"{missing}: no such file or folder", e.Message);
    }

    [Fact]
    public void UnknownNameListsTheBuiltins()
    {
        var e = Assert.Throws<InputException>(() => DatasetResolver.Load("imagenet-42"));

        Assert.Contains("imagenet-42", e.Message);
        Assert.Contains("fashion-mnist", e.Message);
    }

    [Fact]
    public void BadTestFractionIsAnInputError() =>
        Assert.Throws<InputException>(() => DatasetResolver.Load("fashion-mnist", new DatasetOptions { TestFraction = 1.5 }));

    [Fact]
    public void FashionMnistFallsBackToTheEmbeddedSample()
    {
        using var empty = new TempFolder();

        var dataset = DatasetResolver.Load("fashion-mnist", new DatasetOptions { FashionMnistDirectory = empty.Path });

        Assert.Equal("fashion-mnist (embedded sample)", dataset.Format);
        Assert.Equal(FashionMnist.Classes, dataset.Classes);
        Assert.Equal(new ImageShape(1, 28, 28), dataset.Shape);
        Assert.All(dataset["train"].CountPerClass(10), c => Assert.Equal(200, c));
        Assert.All(dataset["test"].CountPerClass(10), c => Assert.Equal(50, c));
    }

    [Fact]
    public void FashionMnistUsesTheInstalledDatasetWhenPresent()
    {
        var folder = DatasetOptions.SystemFashionMnistDirectory;
        if (!FashionMnist.HasFullDataset(folder)) return; // not installed on this machine

        var dataset = DatasetResolver.Load("Fashion-MNIST", new DatasetOptions { FashionMnistDirectory = folder });

        Assert.Equal("fashion-mnist", dataset.Format);
        Assert.Equal(60000, dataset["train"].Count);
        Assert.Equal(10000, dataset["test"].Count);
        Assert.Equal(10, dataset.Classes.Count);
        Assert.Equal(new ImageShape(1, 28, 28), dataset.Shape);
    }

    [Fact]
    public void TheEnvironmentVariableIsTheDefaultFolder()
    {
        // Reads the variable without setting it, so this cannot race with other tests.
        var fromEnvironment = Environment.GetEnvironmentVariable(DatasetOptions.FashionMnistDirectoryVariable);
        var expected = string.IsNullOrEmpty(fromEnvironment) ? DatasetOptions.SystemFashionMnistDirectory : fromEnvironment;

        Assert.Equal(expected, new DatasetOptions().ResolvedFashionMnistDirectory);
        Assert.Equal("/x", new DatasetOptions { FashionMnistDirectory = "/x" }.ResolvedFashionMnistDirectory);
    }
}
