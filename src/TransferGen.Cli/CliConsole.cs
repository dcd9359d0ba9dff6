using Spectre.Console;

namespace TransferGen.Cli;

/// <summary>
/// Where the tool talks to the user. Results go to stdout; warnings, progress and status go to stderr when
/// stdout carries machine-readable output (--json), so a pipe always receives exactly one JSON object.
/// </summary>
public static class CliConsole
{
    // Interactive as stderr is: Spectre's own test also wants stdin and stdout to be terminals, which `| tee` or
    // `< /dev/null` would undo, though a progress display on stderr needs neither. The tool never prompts.
    static readonly IAnsiConsole StdErr = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
        Interactive = Console.IsErrorRedirected ? InteractionSupport.No : InteractionSupport.Yes,
    });

    /// <summary>The console on stderr.</summary>
    public static IAnsiConsole Error => StdErr;

    /// <summary>Prints a warning on stderr: one line when stderr is a log or a pipe (Spectre would wrap it at 80 columns).</summary>
    public static void Warn(string message)
    {
        if (Console.IsErrorRedirected) Console.Error.WriteLine($"warning: {message}");
        else StdErr.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");
    }

    /// <summary>
    /// Whether progress on stderr is drawn live: stderr is a terminal that understands ANSI, and the command does not
    /// print JSON (<paramref name="json"/>), whose runs are usually logged. Otherwise progress is plain lines.
    /// </summary>
    public static bool LiveProgress(bool json) => !json && !Console.IsErrorRedirected && StdErr.Profile.Capabilities.Ansi;

    /// <summary>Prints a status line: on stderr when stdout is reserved for JSON, otherwise on stdout.</summary>
    public static void Status(string message, bool json)
    {
        if (json) StdErr.WriteLine(message);
        else AnsiConsole.WriteLine(message);
    }
}
