using TransferGen.Tests.Data;

namespace TransferGen.Tests.Cli;

/// <summary>`bench gan-transfer` on a dataset of the user's: --data, --source-classes and --target-classes.</summary>
public sealed class BenchGanTransferCommandTests
{
    static string TinyIdx(TempFolder temp)
    {
        var data = temp.Folder("data");
        var labels = Enumerable.Range(0, 100).Select(i => (byte)(i % 10)).ToArray();
        TestFiles.WriteIdxPair(data, "train", TestFiles.Pattern(100, 8 * 8), 100, 8, 8, labels, gzip: true);
        TestFiles.WriteIdxPair(data, "test", TestFiles.Pattern(100, 8 * 8, salt: 3), 100, 8, 8, labels, gzip: true);
        return data;
    }

    [Fact]
    public void Another_dataset_and_its_classes_are_benchmarked_and_named_in_the_results()
    {
        using var temp = new TempFolder();
        var data = TinyIdx(temp);
        var result = CliRunner.Run("bench", "gan-transfer", "--quick", "--data", data, "--source-classes", "0,1,2",
            "--target-classes", "7,8", "--methods", "scratch,transfer", "--out", temp["bench"]);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var md = File.ReadAllText(Path.Combine(temp["bench"], "results.md"));
        Assert.Contains($"Target: {data} classes 7,8", md);
        Assert.Contains("source: classes 0,1,2", md);
        Assert.Contains("| transfer |", md);
        Assert.Contains("classes 0,1,2", File.ReadAllText(Path.Combine(temp["bench"], "source", "config.json")));
    }

    [Theory]
    [InlineData("--target-classes", "7,42", "--target-classes names the class '42'")]
    [InlineData("--source-classes", "0,,1", "--source-classes has an empty entry")]
    [InlineData("--source-classes", "0,99", "--source-classes names the class '99'")]
    public void A_class_the_data_lacks_or_an_empty_entry_is_one_sentence_and_exit_2(string option, string value, string named)
    {
        using var temp = new TempFolder();
        var result = CliRunner.Run("bench", "gan-transfer", "--quick", "--data", TinyIdx(temp), option, value, "--out", temp["bench"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.StdErr);
        Assert.False(Directory.Exists(Path.Combine(temp["bench"], "source")));
    }
}
