using System.Text;
using System.Text.RegularExpressions;

namespace TransferGen.Training;

/// <summary>
/// The `transfergen` command line that started a run, as config.json records it ("command"), so a report can show
/// the command that reproduces the run: the arguments after the program name and the folder they were typed in
/// (relative paths in them mean something only there). Runs started from code, and runs of an older TransferGen,
/// record none.
/// </summary>
/// <param name="Arguments">The arguments after `transfergen`, as the shell passed them.</param>
/// <param name="WorkingDirectory">The current folder of the process, absolute.</param>
public sealed partial record RunCommandLine(IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    /// <summary>The command line <paramref name="arguments"/> typed in this process's current folder.</summary>
    public static RunCommandLine Of(IEnumerable<string> arguments) =>
        new(arguments.ToArray(), Environment.CurrentDirectory);

    /// <summary>
    /// The command as one line for a POSIX shell: "cd DIR &amp;&amp; transfergen ARGS", each word quoted only where the
    /// shell would otherwise split or expand it.
    /// </summary>
    public string ToShell()
    {
        var line = new StringBuilder("cd ").Append(Quote(WorkingDirectory)).Append(" && transfergen");
        foreach (var argument in Arguments) line.Append(' ').Append(Quote(argument));
        return line.ToString();
    }

    /// <summary>A word for a POSIX shell: unchanged when it is made of safe characters, otherwise in single quotes.</summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length > 0 && SafeWord().IsMatch(word)) return word;
        // Inside single quotes nothing is special but the quote itself, which closes, is escaped, and reopens.
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_@%+=:,./-]+$")]
    private static partial Regex SafeWord();
}
