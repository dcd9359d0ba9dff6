using System.Text.Json;
using TransferGen.Tests.Cli;

namespace TransferGen.Tests.Benchmarks;

/// <summary>
/// The bounded fuzz run of the suite: a fixed seed, at most 45 seconds, in a child process so that a native crash is
/// a failed test rather than a dead test host. Longer runs: scripts/fuzz.sh.
/// </summary>
public sealed class FuzzSuiteTests
{
    [Fact]
    public void Damaged_files_of_every_format_are_read_or_refused_with_one_sentence()
    {
        var result = CliRunner.Run("bench", "fuzz", "--seed", "0", "--cases", "3400", "--seconds", "45", "--json");
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.StdOut}\n{result.StdErr}");
        using var report = JsonDocument.Parse(result.StdOut);
        Assert.Equal(0, report.RootElement.GetProperty("failed").GetInt32());
        var formats = report.RootElement.GetProperty("formats").EnumerateArray().ToList();
        Assert.Equal(TransferGen.Benchmarks.Fuzzing.FuzzCorpus.Names.Count, formats.Count);
        foreach (var format in formats)
        {
            var name = format.GetProperty("format").GetString();
            Assert.True(format.GetProperty("tried").GetInt32() >= 20, $"{name}: only {format.GetProperty("tried")} cases ran");
            // A format none of whose cases is ever refused would mean the damage does not reach the reader.
            Assert.True(format.GetProperty("rejected").GetInt32() > 0, $"{name}: no case was refused");
        }
    }
}
