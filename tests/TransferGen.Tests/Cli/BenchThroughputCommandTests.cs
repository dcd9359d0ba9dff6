using System.Text.Json;

namespace TransferGen.Tests.Cli;

/// <summary>`transfergen bench throughput` end to end in its quick (smoke) mode; no timing is asserted.</summary>
public class BenchThroughputCommandTests
{
    [Fact]
    public void Quick_json_has_the_documented_keys_with_positive_numbers()
    {
        var result = CliRunner.Run("bench", "throughput", "--json", "--quick");

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        foreach (var key in new[] { "resnet18_train_img_s", "resnet18_infer_img_s", "dcgan_step_img_s",
                                    "resnet18_train_median_s", "resnet18_infer_median_s", "dcgan_step_median_s" })
            Assert.True(root.GetProperty(key).GetDouble() > 0, key);
        Assert.True(root.GetProperty("threads").GetInt32() >= 1);
        Assert.StartsWith("2.", root.GetProperty("torch_version").GetString());
        Assert.Equal("0.107.0", root.GetProperty("torchsharp_version").GetString());
        Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() >= 1);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("machine").GetProperty("os").GetString()));
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("date").GetString(), out _));
        Assert.Equal(1, root.GetProperty("repeats").GetInt32());
        Assert.Contains("measured", result.StdErr);   // progress goes to stderr, not into the JSON
    }

    [Fact]
    public void Bad_counts_exit_with_2()
    {
        Assert.Equal(2, CliRunner.Run("bench", "throughput", "--repeats", "0").ExitCode);
        Assert.Equal(2, CliRunner.Run("bench", "throughput", "--threads", "0").ExitCode);
    }
}
