using Spectre.Console.Cli;
using TransferGen.Cli;
using static TransferGen.Tests.Cli.InProcessCli;

namespace TransferGen.Tests.Cli;

/// <summary>Command-line mistakes, in process: the exception Spectre raises and the sentence and exit code CliApp makes of it.</summary>
public class ParseErrorTests
{
    [Theory]
    [InlineData("Unknown option 'no-such-option'", "finetune", "--no-such-option")]
    [InlineData("Unknown command 'no-such-command'", "no-such-command")]
    [InlineData("Unknown command 'shuffle'", "gan", "shuffle")]
    public void Parse_errors_are_bad_input_with_spectres_message(string message, params string[] args)
    {
        // The tool propagates exceptions and maps them in CliApp.Run; so does the tester's RunAndCatch.
        var failure = App().RunAndCatch<CommandParseException>(args);
        Assert.Contains(message, failure.Exception.Message);
        Assert.Equal((failure.Exception.Message, CliApp.BadInput), CliApp.Classify(failure.Exception));
        // Without propagation Spectre prints the error itself and returns -1, which the tool never does.
        var printed = App().Run(args);
        Assert.Equal(-1, printed.ExitCode);
        Assert.Contains(message, printed.Output);
    }

    [Theory]
    [InlineData("Option '--data' needs a value.", "finetune", "--data")]
    [InlineData("Option '--data' needs a value.", "finetune", "--data", "--out", "runs/x")]
    [InlineData("Option '--model' needs a value.", "gan", "evaluate", "--data", "fashion-mnist", "--model")]
    [InlineData("An option is missing its value.", "finetune", "--epochs")]
    [InlineData("An option is missing its value.", "lr-find", "--steps", "--data", "fashion-mnist")]
    public void A_missing_option_value_is_bad_input(string message, params string[] args)
    {
        // Spectre 0.57's strict parser hands such an option a placeholder rather than failing (CommonSettings.MissingValue):
        // text options are refused by validation, numeric ones fail to convert it; both reach CliApp as a runtime error.
        var failure = App().RunAndCatch<CommandRuntimeException>(args);
        Assert.Equal((message, CliApp.BadInput), CliApp.Classify(failure.Exception));
    }
}
