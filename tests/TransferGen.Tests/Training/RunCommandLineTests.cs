using TransferGen.Training;

namespace TransferGen.Tests.Training;

public class RunCommandLineTests
{
    [Theory]
    [InlineData("fashion-mnist", "fashion-mnist")]
    [InlineData("runs/r18", "runs/r18")]
    [InlineData("--lr=0.01", "--lr=0.01")]
    [InlineData("my images", "'my images'")]
    [InlineData("a<b&c", "'a<b&c'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("", "''")]
    public void Quote_leaves_safe_words_alone_and_single_quotes_the_rest(string word, string quoted) =>
        Assert.Equal(quoted, RunCommandLine.Quote(word));

    [Fact]
    public void ToShell_changes_to_the_folder_the_command_was_typed_in_first()
    {
        var command = new RunCommandLine(["finetune", "--data", "my data", "--out", "runs/a"], "/home/me/work dir");
        Assert.Equal("cd '/home/me/work dir' && transfergen finetune --data 'my data' --out runs/a", command.ToShell());
    }
}
