using TransferGen.Cli;

namespace TransferGen.Tests.Cli;

/// <summary>How failures turn into one sentence and an exit code.</summary>
public class ErrorReportingTests
{
    [Fact]
    public void Input_errors_are_exit_code_2_with_their_own_sentence_even_when_wrapped()
    {
        var (message, code) = CliApp.Classify(new AggregateException(new InputException("data.idx: the file is truncated.")));
        Assert.Equal(CliApp.BadInput, code);
        Assert.Equal("data.idx: the file is truncated.", message);
    }

    [Theory]
    [InlineData("FineTuneOptions.Epochs", "--epochs")]
    [InlineData("FineTuneOptions.LearningRate", "--lr")]
    [InlineData("FineTuneOptions.SourceLambda", "--lambda")]
    [InlineData("FineTuneOptions.WeightsFile", "--weights")]
    [InlineData("GanStepOptions.GeneratorLearningRate", "--g-lr")]
    [InlineData("LrFindOptions.MinLr", "--min-lr")]
    public void A_library_option_error_names_the_flag_that_sets_the_option(string property, string flag)
    {
        var (message, code) = CliApp.Classify(new InvalidOptionException("{0} must be at least 1, got 0.", property));
        Assert.Equal((flag + " must be at least 1, got 0.", CliApp.BadInput), (message, code));
    }

    [Fact]
    public void Stopping_by_ctrl_c_is_exit_code_130()
    {
        var stopped = new TransferGen.Training.TrainingCancelledException(2, 5, 7, 40, 87, "/runs/x", default);
        var (message, code) = CliApp.Classify(stopped);
        Assert.Equal(CliApp.Interrupted, code);
        Assert.Equal("stopped in epoch 3/5 after batch 7/40; the checkpoint in /runs/x continues from there with --resume", message);
    }

    [Fact]
    public void A_native_load_failure_says_why_and_what_to_do_in_one_sentence()
    {
        var failure = new TypeInitializationException("TorchSharp.torch",
            new NotSupportedException("Failed to load native component LibTorchSharp.\nTrace: ...lots of lines..."));
        var (message, code) = CliApp.Classify(failure);
        Assert.Equal(CliApp.InternalError, code);
        Assert.DoesNotContain('\n', message);
        Assert.Contains("LibTorch could not be loaded", message);
        Assert.Contains("dotnet build", message);
    }

    [Fact]
    public void A_refusal_of_the_environment_that_reached_the_top_is_exit_code_2_naming_the_target_not_the_temporary_file()
    {
        var full = new IOException($"No space left on device : '/runs/r/tensorboard/.events.out.tfevents.1.4242.{Guid.NewGuid():N}.tmp'", 28);
        Assert.Equal(("/runs/r/tensorboard/events.out.tfevents.1 could not be written: no space left on the device.", CliApp.BadInput),
            CliApp.Classify(new InvalidOperationException("wrapped", full)));
        Assert.Equal(CliApp.BadInput, CliApp.Classify(new UnauthorizedAccessException("Access to the path '/runs/r/x.png' is denied.")).Code);
    }

    [Fact]
    public void Anything_else_is_an_internal_error_in_one_line()
    {
        var (message, code) = CliApp.Classify(new InvalidOperationException("boom"));
        Assert.Equal(CliApp.InternalError, code);
        Assert.Contains("boom", message);
    }

    [Fact]
    public void Parse_errors_are_bad_input()
    {
        var result = CliRunner.Run("data", "info", "fashion-mnist", "--no-such-option");
        Assert.Equal(CliApp.BadInput, result.ExitCode);
        Assert.Contains("no-such-option", result.StdErr);
    }
}
