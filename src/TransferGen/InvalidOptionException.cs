namespace TransferGen;

/// <summary>
/// An option whose value the library cannot use, or options that contradict each other. The message names each
/// option by its property ("FineTuneOptions.Epochs must be at least 1, got 0."); a front end that exposes the options
/// under other names (the command line's <c>--epochs</c>) re-renders it with <see cref="Render"/>.
/// </summary>
public sealed class InvalidOptionException : InputException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="template">The sentence, with {0}, {1}, ... where the option names go.</param>
    /// <param name="properties">The options, as "Type.Property" (or a bare property name).</param>
    public InvalidOptionException(string template, params string[] properties)
        : base(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, properties))
    {
        Template = template;
        Properties = properties;
    }

    /// <summary>The sentence with placeholders for the option names.</summary>
    public string Template { get; }

    /// <summary>The options the sentence is about, in placeholder order.</summary>
    public IReadOnlyList<string> Properties { get; }

    /// <summary>The sentence with each option named by <paramref name="name"/> (e.g. its command-line flag).</summary>
    public string Render(Func<string, string> name) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Template, Properties.Select(name).Cast<object>().ToArray());
}
