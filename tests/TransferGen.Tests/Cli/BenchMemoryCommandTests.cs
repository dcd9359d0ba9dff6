using System.Text.Json;

namespace TransferGen.Tests.Cli;

public sealed class BenchMemoryCommandTests
{
    [Fact]
    public void Json_reports_samples_ratio_and_verdict()
    {
        var result = CliRunner.Run("bench", "memory", "--steps", "40", "--first", "20", "--warmup", "10", "--workloads", "gan", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var gan = Assert.Single(json.RootElement.GetProperty("workloads").EnumerateArray());
        Assert.Equal("gan", gan.GetProperty("workload").GetString());
        var steps = gan.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("step").GetInt64()).ToList();
        // Sampled at the ends of 10-step epochs that reach 20, 25, 30, 35 and 40 counted steps.
        Assert.Equal([20L, 30L, 40L], steps);
        Assert.True(gan.GetProperty("rss_ratio").GetDouble() > 0);
        Assert.Contains(gan.GetProperty("flat").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
    }

    [Theory]
    [InlineData("--steps", "5", "--first", "10")]
    [InlineData("--workloads", "nope")]
    [InlineData("--tolerance", "-1")]
    public void Bad_options_exit_2_with_one_line(params string[] options)
    {
        var result = CliRunner.Run(["bench", "memory", .. options]);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StdErr.Trim().Split('\n'));
    }
}
