using System.Text.RegularExpressions;
using static TransferGen.Tests.Cli.InProcessCli;

namespace TransferGen.Tests.Cli;

/// <summary>`--help` of the tool and its commands, in process.</summary>
public class HelpTests
{
    static readonly string[] Commands = ["quickstart", "data", "bench", "gan", "fid", "backbones", "pretrain", "augment", "finetune", "lr-find", "predict", "export", "evaluate", "report"];

    static readonly Dictionary<string, string[]> Branches = new()
    {
        ["data"] = ["info"],
        ["bench"] = ["throughput", "gan", "gan-transfer", "gan-step", "memory", "fuzz", "transfer"],
        ["gan"] = ["train", "sample", "evaluate"],
    };

    static string Help(params string[] args)
    {
        var result = App().Run(args);
        Assert.Equal(0, result.ExitCode);
        return result.Output;
    }

    /// <summary>The rows of the COMMANDS section, each as "name  description".</summary>
    static List<string> CommandRows(string help) =>
        [.. help.Split('\n').SkipWhile(l => !l.StartsWith("COMMANDS:", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.Length > 0)];

    [Fact]
    public void Top_level_help_lists_every_command()
    {
        var rows = CommandRows(Help("--help"));
        Assert.Equal(Commands, rows.Select(r => r.Trim().Split(' ')[0]));
    }

    [Theory]
    [InlineData("data")]
    [InlineData("bench")]
    [InlineData("gan")]
    public void A_branch_lists_its_commands(string branch)
    {
        var rows = CommandRows(Help(branch, "--help"));
        Assert.Equal(Branches[branch], rows.Select(r => r.Trim().Split(' ')[0]));
    }

    [Theory]
    [InlineData]
    [InlineData("data")]
    [InlineData("bench")]
    [InlineData("gan")]
    public void Help_lines_fit_a_120_column_console_without_wrapping(params string[] branch)
    {
        string[] args = [.. branch, "--help"];
        var narrow = App(width: 120).Run(args).Output;
        Assert.All(narrow.Split('\n'), line => Assert.True(line.Length <= 120, $"{line.Length} columns: {line}"));
        // Nothing was wrapped to fit: the same help on an unbounded console has the same lines.
        Assert.Equal(App().Run(args).Output, narrow);
        // Each one-line description leaves room: at most 100 columns after the command's name.
        Assert.All(CommandRows(narrow), row =>
        {
            var description = Regex.Match(row, @"^\s+\S+(?: <\S+>)*\s{2,}(.*)$").Groups[1].Value;
            Assert.True(description.Length is > 0 and <= 100, row);
        });
    }

    [Fact]
    public void A_long_explanation_is_in_the_commands_own_help_not_in_the_listing()
    {
        const string detail = "Smith's range test";
        Assert.DoesNotContain(detail, Help("--help"));
        var own = Help("lr-find", "--help");
        Assert.Contains("Learning-rate range test of the fine-tune the same options describe: suggests --lr.", own);
        Assert.Contains(detail, own);
    }

    [Theory]
    [InlineData("finetune", "--data", "--backbone", "--weights", "--freeze", "--probe-epochs", "--source", "--lambda", "--resume", "--json")]
    [InlineData("gan train", "--data", "--arch", "--loss", "--conditioning", "--spectral-norm", "--d-backbone", "--d-resolution", "--d-stages", "--resume", "--dry-run")]
    [InlineData("lr-find", "--min-lr", "--max-lr", "--steps", "--backbone", "--freeze")]
    [InlineData("pretrain", "--arch", "--data", "--out", "--resume")]
    [InlineData("export", "--model", "--out", "--json", "Opset 17")]
    public void A_commands_help_shows_its_options(string command, params string[] options)
    {
        var help = Help([.. command.Split(' '), "--help"]);
        Assert.Contains($"transfergen {command} [OPTIONS]", help);
        foreach (var option in options) Assert.Contains(option, help);
    }

    [Fact]
    public void Report_help_shows_its_run_argument_and_options()
    {
        var help = Help("report", "--help");
        Assert.Contains("transfergen report <RUN> [OPTIONS]", help);
        Assert.Contains("--out", help);
        Assert.Contains("--no-evaluate", help);
        Assert.Contains("self-contained HTML", help);
    }
}
