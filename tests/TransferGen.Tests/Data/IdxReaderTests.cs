using TransferGen.Data;
using static TransferGen.Tests.Data.TestFiles;

namespace TransferGen.Tests.Data;

public class IdxReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsExactPixelsAndLabels(bool gzip)
    {
        using var temp = new TempFolder();
        var pixels = Pattern(3, 4 * 5);
        var (images, labels) = WriteIdxPair(temp.Path, "train", pixels, 3, 4, 5, [2, 0, 1], gzip);

        var split = IdxReader.Load(images, labels, "train", classCount: 3);

        Assert.Equal("train", split.Name);
        Assert.Equal([2, 0, 1], split.Labels);
        Assert.Equal(new ImageShape(1, 4, 5), split.Shape);
        Assert.Equal([3L, 1, 4, 5], split.Images.shape);
        Assert.Equal(pixels, split.Images.data<byte>().ToArray());
        using var second = split.Read(1);
        Assert.Equal(pixels[20..40], second.data<byte>().ToArray());
    }

    [Fact]
    public void DetectsGzipByMagicBytesNotByName()
    {
        using var temp = new TempFolder();
        var images = temp["images.idx"];
        var labels = temp["labels.idx"];
        File.WriteAllBytes(images, Gzip(Idx(0x803, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])));
        File.WriteAllBytes(labels, Idx(0x801, [2], [0, 1]));

        var split = IdxReader.Load(images, labels, "train");

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, split.Images.data<byte>().ToArray());
    }

    [Fact]
    public void ReadsFromStreams()
    {
        using var images = new MemoryStream(Gzip(Idx(0x803, [1, 1, 2], [9, 8])));
        using var labels = new MemoryStream(Idx(0x801, [1], [4]));

        var split = IdxReader.Load(images, "mem-images", labels, "mem-labels", "test");

        Assert.Equal([4], split.Labels);
        Assert.Equal(new byte[] { 9, 8 }, split.Images.data<byte>().ToArray());
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        using var temp = new TempFolder();
        var (_, labels) = WriteIdxPair(temp.Path, "train", Pattern(1, 4), 1, 2, 2, [0], gzip: false);
        var missing = temp["nothing-images-idx3-ubyte"];

        var e = Assert.Throws<InputException>(() => IdxReader.Load(missing, labels, "train"));

        Assert.Contains(missing, e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongMagicSaysWhatWasFoundAndExpected(bool gzip)
    {
        using var temp = new TempFolder();
        var (images, labels) = WriteIdxPair(temp.Path, "train", Pattern(1, 4), 1, 2, 2, [0], gzip);

        // Labels given where images are expected.
        var e = Assert.Throws<InputException>(() => IdxReader.Load(labels, images, "train"));

        Assert.Contains(labels, e.Message);
        Assert.Contains("0x00000801", e.Message);
        Assert.Contains("0x00000803", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedImagesFileIsNamed(bool gzip)
    {
        using var temp = new TempFolder();
        var images = temp["train-images-idx3-ubyte"];
        var labels = temp["train-labels-idx1-ubyte"];
        // The header promises 3 images of 2×2 (12 bytes) but only 10 follow.
        var bytes = Idx(0x803, [3, 2, 2], Pattern(1, 10));
        File.WriteAllBytes(images, gzip ? Gzip(bytes) : bytes);
        File.WriteAllBytes(labels, Idx(0x801, [3], [0, 0, 0]));

        var e = Assert.Throws<InputException>(() => IdxReader.Load(images, labels, "train"));

        Assert.Contains(images, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("10", e.Message);
    }

    [Fact]
    public void TruncatedLabelsFileIsNamed()
    {
        using var temp = new TempFolder();
        var (images, labels) = WriteIdxPair(temp.Path, "train", Pattern(2, 4), 2, 2, 2, [0, 1], gzip: false);
        File.WriteAllBytes(labels, Idx(0x801, [2], [0]));

        var e = Assert.Throws<InputException>(() => IdxReader.Load(images, labels, "train"));

        Assert.Contains(labels, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_labels_header_claiming_more_labels_than_any_array_holds_is_named_without_allocating(bool gzip)
    {
        using var temp = new TempFolder();
        var (images, labels) = WriteIdxPair(temp.Path, "train", Pattern(2, 4), 2, 2, 2, [0, 1], gzip: false);
        var claim = Idx(0x801, [int.MaxValue], [0, 1, 1]);
        File.WriteAllBytes(labels, gzip ? Gzip(claim) : claim);

        var e = Assert.Throws<InputException>(() => IdxReader.Load(images, labels, "train"));

        Assert.StartsWith(labels, e.Message);
        Assert.Contains($"{int.MaxValue} labels", e.Message);
        Assert.Contains("holds only 3", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_images_header_claiming_gigabytes_is_named_as_truncated(bool gzip)
    {
        using var temp = new TempFolder();
        var (images, labels) = WriteIdxPair(temp.Path, "train", Pattern(2, 4), 2, 2, 2, [0, 1], gzip: false);
        var claim = Idx(0x803, [40000, 230, 230], Pattern(2, 4));   // 2.1e9 pixel bytes promised, 8 present
        File.WriteAllBytes(images, gzip ? Gzip(claim) : claim);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<InputException>(() => IdxReader.Load(images, labels, "train"));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.StartsWith(images, e.Message);
        Assert.Contains("holds only 8", e.Message);
        Assert.True(allocated < 64 << 20, $"allocated {allocated} bytes for an 8-byte body");
    }

    [Fact]
    public void CountMismatchNamesBothFilesAndCounts()
    {
        using var temp = new TempFolder();
        var (images, labels) = WriteIdxPair(temp.Path, "train", Pattern(3, 4), 3, 2, 2, [0, 1], gzip: true);

        var e = Assert.Throws<InputException>(() => IdxReader.Load(images, labels, "train"));

        Assert.Contains(images, e.Message);
        Assert.Contains(labels, e.Message);
        Assert.Contains("3 images", e.Message);
        Assert.Contains("2 labels", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeIsNamed()
    {
        using var temp = new TempFolder();
        var (images, labels) = WriteIdxPair(temp.Path, "train", Pattern(2, 4), 2, 2, 2, [1, 10], gzip: false);

        var e = Assert.Throws<InputException>(() => IdxReader.Load(images, labels, "train", classCount: 10));

        Assert.Contains(labels, e.Message);
        Assert.Contains("label 10", e.Message);
        Assert.Contains("image 1", e.Message);
    }

    [Fact]
    public void CorruptGzipIsNamed()
    {
        using var temp = new TempFolder();
        var (images, labels) = WriteIdxPair(temp.Path, "train", Pattern(2, 64), 2, 8, 8, [0, 1], gzip: true);
        var bytes = File.ReadAllBytes(images);
        for (var i = 12; i < bytes.Length - 8; i++) bytes[i] ^= 0x5a;
        File.WriteAllBytes(images, bytes);

        var e = Assert.Throws<InputException>(() => IdxReader.Load(images, labels, "train"));

        Assert.Contains(images, e.Message);
    }

    [Fact]
    public void FolderPairsTrainAndT10kIntoTrainAndTestSplits()
    {
        using var temp = new TempFolder();
        WriteIdxPair(temp.Path, "t10k", Pattern(2, 4, salt: 1), 2, 2, 2, [3, 0], gzip: true);
        WriteIdxPair(temp.Path, "train", Pattern(3, 4), 3, 2, 2, [0, 1, 2], gzip: false);

        var dataset = IdxFolder.Load(temp.Path);

        Assert.Equal("idx", dataset.Format);
        Assert.Equal(["train", "test"], dataset.Splits.Select(s => s.Name));
        Assert.Equal(3, dataset["train"].Count);
        Assert.Equal(2, dataset["test"].Count);
        Assert.Equal(["0", "1", "2", "3"], dataset.Classes);
    }

    [Fact]
    public void FolderWithImagesButNoLabelsNamesTheMissingFile()
    {
        using var temp = new TempFolder();
        var (_, labels) = WriteIdxPair(temp.Path, "train", Pattern(1, 4), 1, 2, 2, [0], gzip: false);
        File.Delete(labels);

        var e = Assert.Throws<InputException>(() => IdxFolder.Load(temp.Path));

        Assert.Contains("train-labels-idx1-ubyte", e.Message);
    }
}
