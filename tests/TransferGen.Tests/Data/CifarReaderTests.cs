using TransferGen.Data;
using static TransferGen.Tests.Data.TestFiles;

namespace TransferGen.Tests.Data;

public class CifarReaderTests
{
    static byte[][] Labels(params int[] values) => values.Select(v => new[] { (byte)v }).ToArray();

    [Fact]
    public void Cifar10ReadsExactPixelsLabelsAndClassNames()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["data_batch_1.bin"], CifarRecords(Labels(3, 9)));
        File.WriteAllBytes(temp["data_batch_2.bin"], CifarRecords(Labels(0), salt: 5));
        File.WriteAllBytes(temp["test_batch.bin"], CifarRecords(Labels(1), salt: 9));

        var dataset = CifarReader.LoadCifar10(temp.Path);

        Assert.Equal("cifar10", dataset.Format);
        Assert.Equal(CifarClassNames.Cifar10, dataset.Classes);
        var train = (TensorSplit)dataset["train"];
        Assert.Equal([3, 9, 0], train.Labels);
        Assert.Equal(new ImageShape(3, 32, 32), train.Shape);
        Assert.Equal(Pattern(1, 3072, 1), train.Images[1].data<byte>().ToArray());
        Assert.Equal(Pattern(1, 3072, 5), train.Images[2].data<byte>().ToArray());
        // Channel-major: the first 1024 bytes are the red plane.
        Assert.Equal(Pattern(1, 3072)[1024 + 32 + 2], train.Images[0, 1, 1, 2].item<byte>());
        Assert.Equal([1], dataset["test"].Labels);
    }

    [Fact]
    public void Cifar10TakesClassNamesFromBatchesMeta()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["data_batch_1.bin"], CifarRecords(Labels(0)));
        File.WriteAllBytes(temp["test_batch.bin"], CifarRecords(Labels(0)));
        File.WriteAllText(temp["batches.meta.txt"], string.Join("\n", Enumerable.Range(0, 10).Select(i => $"c{i}")) + "\n\n");

        var dataset = CifarReader.LoadCifar10(temp.Path);

        Assert.Equal("c9", dataset.Classes[9]);
    }

    [Fact]
    public void Cifar100UsesFineLabelsAndNames()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["train.bin"], CifarRecords([[19, 99], [0, 42]]));
        File.WriteAllBytes(temp["test.bin"], CifarRecords([[5, 7]], salt: 3));

        var dataset = CifarReader.LoadCifar100(temp.Path);

        Assert.Equal("cifar100", dataset.Format);
        Assert.Equal(100, dataset.Classes.Count);
        Assert.Equal("worm", dataset.Classes[99]);
        Assert.Equal([99, 42], dataset["train"].Labels);
        using var image = dataset["test"].Read(0);
        Assert.Equal(Pattern(1, 3072, 3), image.data<byte>().ToArray());
    }

    [Fact]
    public void RecordSizeErrorNamesFileSizeAndRecordSize()
    {
        using var temp = new TempFolder();
        var batch = temp["data_batch_1.bin"];
        File.WriteAllBytes(batch, CifarRecords(Labels(1, 2))[..^7]);
        File.WriteAllBytes(temp["test_batch.bin"], CifarRecords(Labels(1)));

        var e = Assert.Throws<InputException>(() => CifarReader.LoadCifar10(temp.Path));

        Assert.Contains(batch, e.Message);
        Assert.Contains($"{2 * 3073 - 7} bytes", e.Message);
        Assert.Contains("3073", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeNamesFileAndRecord()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["train.bin"], CifarRecords([[1, 1], [1, 2], [3, 100]]));
        File.WriteAllBytes(temp["test.bin"], CifarRecords([[1, 1]]));

        var e = Assert.Throws<InputException>(() => CifarReader.LoadCifar100(temp.Path));

        Assert.Contains(temp["train.bin"], e.Message);
        Assert.Contains("record 2", e.Message);
        Assert.Contains("label 100", e.Message);
    }

    [Fact]
    public void MissingTestBatchIsNamed()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["data_batch_1.bin"], CifarRecords(Labels(1)));

        var e = Assert.Throws<InputException>(() => CifarReader.LoadCifar10(temp.Path));

        Assert.Contains(temp["test_batch.bin"], e.Message);
    }

    [Fact]
    public void GapInTrainBatchesIsNamed()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["data_batch_1.bin"], CifarRecords(Labels(1)));
        File.WriteAllBytes(temp["data_batch_3.bin"], CifarRecords(Labels(1)));
        File.WriteAllBytes(temp["test_batch.bin"], CifarRecords(Labels(1)));

        var e = Assert.Throws<InputException>(() => CifarReader.LoadCifar10(temp.Path));

        Assert.Contains("data_batch_3.bin", e.Message);
    }

    [Fact]
    public void Cifar100StandardNamesAreOneHundredAndDistinct() =>
        Assert.Equal(100, CifarClassNames.Cifar100.Distinct().Count());
}
