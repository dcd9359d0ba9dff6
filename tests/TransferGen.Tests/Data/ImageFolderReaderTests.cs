using SkiaSharp;
using TransferGen.Data;
using TransferGen.Imaging;
using static TransferGen.Tests.Data.TestFiles;

namespace TransferGen.Tests.Data;

public class ImageFolderReaderTests
{
    static readonly DatasetOptions NoTest = new() { TestFraction = 0 };

    [Fact]
    public void LoadsMixedSizesAndFormats()
    {
        using var temp = new TempFolder();
        WriteImage(temp["cat/a.png"], 8, 6);
        WriteImage(temp["cat/b.JPG"], 8, 6, SKEncodedImageFormat.Jpeg);
        WriteImage(temp["cat/nested/c.png"], 5, 5);
        WriteImage(temp["dog/d.jpeg"], 8, 6, SKEncodedImageFormat.Jpeg);
        File.WriteAllText(temp["dog/notes.txt"], "not an image, ignored");

        var dataset = ImageFolderReader.Load(temp.Path, NoTest);

        Assert.Equal("imagefolder", dataset.Format);
        Assert.Equal(["cat", "dog"], dataset.Classes);
        Assert.Equal(0, dataset.SkippedFiles);
        var train = dataset["train"];
        Assert.Equal([3, 1], train.CountPerClass(2));
        Assert.Equal(new ImageShape(3, 6, 8), train.Shape);
        Assert.False(train.UniformShape);
        var files = ((FileImageSplit)((SubsetSplit)train).Source).Files;
        using var small = train.Read(files.ToList().FindIndex(f => f.EndsWith("c.png")));
        Assert.Equal([3L, 5, 5], small.shape);
    }

    [Fact]
    public void PngPixelsComeBackExactly()
    {
        using var temp = new TempFolder();
        WriteImage(temp["only/a.png"], 4, 3, seed: 7);

        var dataset = ImageFolderReader.Load(temp.Path, NoTest);

        using var image = dataset["train"].Read(0);
        Assert.Equal(new byte[] { 7 + 2 * 20, 2 * 20, 100 }, image[.., 2, 2].data<byte>().ToArray());
        Assert.True(dataset["train"].UniformShape);
    }

    [Fact]
    public void GrayImagesGiveOneChannel()
    {
        using var temp = new TempFolder();
        foreach (var name in new[] { "a/1.png", "a/2.png", "b/3.png" })
            ImageCodec.SavePng(TorchSharp.torch.full([1, 4, 4], 77, TorchSharp.torch.ScalarType.Byte), temp[name]);

        var dataset = ImageFolderReader.Load(temp.Path, NoTest);

        Assert.Equal(new ImageShape(1, 4, 4), dataset.Shape);
        using var image = dataset["train"].Read(0);
        Assert.Equal([1L, 4, 4], image.shape);
        Assert.Equal(77, image[0, 0, 0].item<byte>());
    }

    [Fact]
    public void TrainAndTestFoldersAreSplitsWithTheUnionOfClasses()
    {
        using var temp = new TempFolder();
        WriteImage(temp["train/b/1.png"], 4, 4);
        WriteImage(temp["train/a/2.png"], 4, 4);
        WriteImage(temp["train/a/3.png"], 4, 4);
        WriteImage(temp["test/c/4.png"], 4, 4);
        WriteImage(temp["test/a/5.png"], 4, 4);

        var dataset = ImageFolderReader.Load(temp.Path);

        Assert.Equal(["a", "b", "c"], dataset.Classes);
        Assert.Equal(["train", "test"], dataset.Splits.Select(s => s.Name));
        Assert.Equal([2, 1, 0], dataset["train"].CountPerClass(3));
        Assert.Equal([1, 0, 1], dataset["test"].CountPerClass(3));
    }

    [Fact]
    public void A_class_list_file_gives_the_names_and_label_order_and_must_cover_every_folder()
    {
        using var temp = new TempFolder();
        WriteImage(temp["b_c/1.png"], 4, 4);
        WriteImage(temp["a/2.png"], 4, 4);
        WriteImage(temp["a/3.png"], 4, 4);
        ClassNamesFile.Write(temp.Path, ["b/c", "a", "never generated"]);

        var dataset = ImageFolderReader.Load(temp.Path, NoTest);

        Assert.Equal(["b/c", "a", "never generated"], dataset.Classes);
        Assert.Equal([1, 2, 0], dataset["train"].CountPerClass(3));

        WriteImage(temp["stray/4.png"], 4, 4);
        var e = Assert.Throws<InputException>(() => ImageFolderReader.Load(temp.Path, NoTest));
        Assert.Contains("'stray'", e.Message);
        File.WriteAllText(temp[ClassNamesFile.FileName], """{ "classes": ["x"], "folders": [] }""");
        Assert.Contains(ClassNamesFile.FileName, Assert.Throws<InputException>(() => ImageFolderReader.Load(temp.Path, NoTest)).Message);
    }

    [Fact]
    public void ValFolderIsASplitToo()
    {
        using var temp = new TempFolder();
        WriteImage(temp["train/a/1.png"], 4, 4);
        WriteImage(temp["val/a/2.png"], 4, 4);

        var dataset = ImageFolderReader.Load(temp.Path);

        Assert.Equal(["train", "val"], dataset.Splits.Select(s => s.Name));
    }

    [Fact]
    public void PoolSplitIsSeededAndStratified()
    {
        using var temp = new TempFolder();
        for (var i = 0; i < 10; i++) WriteImage(temp[$"a/{i}.png"], 2, 2);
        for (var i = 0; i < 5; i++) WriteImage(temp[$"b/{i}.png"], 2, 2);

        string[] TestFiles(int seed)
        {
            var dataset = ImageFolderReader.Load(temp.Path, new DatasetOptions { Seed = seed, TestFraction = 0.2 });
            var test = (SubsetSplit)dataset["test"];
            Assert.Equal([2, 1], test.CountPerClass(2));
            Assert.Equal([8, 4], dataset["train"].CountPerClass(2));
            return test.SourceIndices.Select(i => ((FileImageSplit)test.Source).Files[i]).ToArray();
        }

        Assert.Equal(TestFiles(1), TestFiles(1));
        var seeds = Enumerable.Range(0, 5).Select(s => string.Join(",", TestFiles(s))).Distinct().Count();
        Assert.True(seeds > 1, "different seeds should pick different test images");
    }

    [Fact]
    public void CorruptImagesAreSkippedAndCountedByDefault()
    {
        using var temp = new TempFolder();
        WriteImage(temp["a/good.png"], 4, 4);
        WriteImage(temp["b/good.jpg"], 4, 4, SKEncodedImageFormat.Jpeg);
        File.WriteAllBytes(temp["b/garbage.jpg"], Enumerable.Range(0, 500).Select(i => (byte)(i * 31)).ToArray());
        File.WriteAllText(temp["b/readme.txt"], "ignored, not counted");

        var dataset = ImageFolderReader.Load(temp.Path, NoTest);

        Assert.Equal(1, dataset.SkippedFiles);
        Assert.Equal([1, 1], dataset["train"].CountPerClass(2));
    }

    [Fact]
    public void StrictModeNamesTheCorruptFile()
    {
        using var temp = new TempFolder();
        WriteImage(temp["a/good.png"], 4, 4);
        File.WriteAllBytes(temp["a/garbage.jpg"], [1, 2, 3, 4, 5]);

        var e = Assert.Throws<InputException>(() => ImageFolderReader.Load(temp.Path, new DatasetOptions { Strict = true }));

        Assert.Contains(temp["a/garbage.jpg"], e.Message);
    }

    [Fact]
    public void EmptyClassFolderIsNamed()
    {
        using var temp = new TempFolder();
        WriteImage(temp["a/1.png"], 4, 4);
        var empty = temp.Folder("b");
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "no images here");

        var e = Assert.Throws<InputException>(() => ImageFolderReader.Load(temp.Path));

        Assert.Contains(empty, e.Message);
    }

    [Fact]
    public void RootWithoutClassFoldersIsAnError()
    {
        using var temp = new TempFolder();
        WriteImage(temp["loose.png"], 4, 4);

        var e = Assert.Throws<InputException>(() => ImageFolderReader.Load(temp.Path));

        Assert.Contains(temp.Path, e.Message);
        Assert.Throws<InputException>(() => ImageFolderReader.Load(temp.Folder("empty")));
    }

    [Fact]
    public void ReadsFromManyThreadsAtOnce()
    {
        using var temp = new TempFolder();
        for (var i = 0; i < 8; i++) WriteImage(temp[$"a/{i}.png"], 6, 6, seed: i);
        var split = ImageFolderReader.Load(temp.Path, NoTest)["train"];

        var firstPixels = new byte[64];
        Parallel.For(0, 64, k =>
        {
            using var image = split.Read(k % 8);
            firstPixels[k] = image[0, 0, 0].item<byte>();
        });

        Assert.All(Enumerable.Range(0, 64), k => Assert.Equal((byte)(k % 8), firstPixels[k]));
    }
}
