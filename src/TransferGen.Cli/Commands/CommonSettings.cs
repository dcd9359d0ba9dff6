using System.ComponentModel;
using System.Reflection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace TransferGen.Cli.Commands;

/// <summary>Options every command accepts.</summary>
public class CommonSettings : CommandSettings
{
    /// <summary>
    /// What Spectre.Console.Cli 0.57 puts in an option whose value is missing. Under strict parsing it retries a line that
    /// failed to parse with the name of a default command inserted at each position in turn, and `--data` at the end of
    /// a line (or before another option) then parses with that name as its value. No command here has a default
    /// command, so the name in a value always means a missing value.
    /// </summary>
    internal const string MissingValue = "__default_command";

    /// <summary>Show stack traces of errors.</summary>
    [CommandOption("--verbose")]
    [Description("Show the full stack trace when something fails.")]
    public bool Verbose { get; init; }

    /// <summary>Refuses a text option that received <see cref="MissingValue"/> instead of a value.</summary>
    public override ValidationResult Validate()
    {
        foreach (var property in GetType().GetProperties())
        {
            if (property.GetCustomAttribute<CommandOptionAttribute>() is { } option
                && property.PropertyType == typeof(string) && property.GetValue(this) as string == MissingValue)
                return ValidationResult.Error($"Option '{Name(option)}' needs a value.");
        }
        return base.Validate();
    }

    static string Name(CommandOptionAttribute option) =>
        option.LongNames.Count > 0 ? "--" + option.LongNames[0] : "-" + option.ShortNames[0];
}
