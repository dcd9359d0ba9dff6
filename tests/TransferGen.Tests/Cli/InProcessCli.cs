using Spectre.Console.Cli.Testing;
using Spectre.Console.Testing;
using TransferGen.Cli;

namespace TransferGen.Tests.Cli;

/// <summary>The tool's command app in process, through Spectre's CommandAppTester: no child process, no LibTorch.</summary>
public static class InProcessCli
{
    /// <summary>The app as the tool configures it, on a test console <paramref name="width"/> columns wide (default unbounded).</summary>
    public static CommandAppTester App(int width = int.MaxValue)
    {
        var app = new CommandAppTester(console: new TestConsole().Width(width));
        app.Configure(CliApp.Configure);
        return app;
    }
}
