using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace TransferGen.Cli;

/// <summary>
/// Spectre's help with descriptions in two parts: a summary line for the command listings (`transfergen --help`,
/// `transfergen bench --help`), which has to fit on one line, and the explanation after it, shown only in the
/// command's own help under DESCRIPTION. Spectre 0.57 keeps one description per command (a <c>[Description]</c> on a
/// command class is read only when <c>WithDescription</c> is not used, and one on a settings class not at all), so
/// both parts travel in that one string, split at its first line break: see <see cref="Describe"/>.
/// </summary>
/// <param name="settings">The app's settings, as Spectre's own provider takes them.</param>
public sealed class CliHelpProvider(ICommandAppSettings settings) : HelpProvider(settings)
{
    /// <summary>A description whose listings show <paramref name="summary"/> and whose own help adds <paramref name="details"/>.</summary>
    public static string Describe(string summary, string details) => summary + "\n\n" + details;

    /// <summary>The part of a description that listings show: its first line.</summary>
    public static string? Summary(string? description) =>
        description?.IndexOf('\n', StringComparison.Ordinal) is >= 0 and var end ? description[..end] : description;

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetCommands(ICommandModel model, ICommandInfo? command) =>
        base.GetCommands(new Listing(model), command is null ? null : new Listed(command));

    /// <summary>The model as a listing sees it: its commands with their summaries only.</summary>
    sealed class Listing(ICommandModel model) : ICommandModel
    {
        public string ApplicationName => model.ApplicationName;
        public string? ApplicationVersion => model.ApplicationVersion;
        public IReadOnlyList<string[]> Examples => model.Examples;
        public IReadOnlyList<ICommandInfo> Commands => [.. model.Commands.Select(c => new Listed(c))];
        public ICommandInfo? DefaultCommand => model.DefaultCommand is { } c ? new Listed(c) : null;
    }

    /// <summary>A command as a listing sees it: its summary as its description, and so for its subcommands.</summary>
    sealed class Listed(ICommandInfo command) : ICommandInfo
    {
        public string Name => command.Name;
        public string? Description => Summary(command.Description);
        public bool IsBranch => command.IsBranch;
        public bool IsDefaultCommand => command.IsDefaultCommand;
        public bool IsHidden => command.IsHidden;
        public IReadOnlyList<ICommandParameter> Parameters => command.Parameters;
        public ICommandInfo? Parent => command.Parent;
        public IReadOnlyList<string[]> Examples => command.Examples;
        public IReadOnlyList<ICommandInfo> Commands => [.. command.Commands.Select(c => new Listed(c))];
        public ICommandInfo? DefaultCommand => command.DefaultCommand is { } c ? new Listed(c) : null;
    }
}
