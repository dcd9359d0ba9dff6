using System.ComponentModel;
using Spectre.Console.Cli;

namespace TransferGen.Cli.Commands;

/// <summary>Options every command accepts.</summary>
public class CommonSettings : CommandSettings
{
    /// <summary>Show stack traces of errors.</summary>
    [CommandOption("--verbose")]
    [Description("Show the full stack trace when something fails.")]
    public bool Verbose { get; init; }
}
