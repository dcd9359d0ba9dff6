using Spectre.Console;

namespace TransferGen.Cli;

/// <summary>
/// Where the tool talks to the user. Results go to stdout; warnings, progress and status go to stderr when
/// stdout carries machine-readable output (--json), so a pipe always receives exactly one JSON object.
/// </summary>
public static class CliConsole
{
    static readonly IAnsiConsole StdErr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>The console on stderr.</summary>
    public static IAnsiConsole Error => StdErr;

    /// <summary>Prints a warning on stderr.</summary>
    public static void Warn(string message) => StdErr.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");

    /// <summary>Prints a status line: on stderr when stdout is reserved for JSON, otherwise on stdout.</summary>
    public static void Status(string message, bool json)
    {
        if (json) StdErr.WriteLine(message);
        else AnsiConsole.WriteLine(message);
    }
}
