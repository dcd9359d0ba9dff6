using System.Text.RegularExpressions;

namespace TransferGen.IO;

/// <summary>
/// Turns the environment's refusals to write (permission denied, a read-only file system, a full disk or quota) into
/// one <see cref="InputException"/> sentence that names the file the user knows: the target, never the hidden
/// temporary file an atomic write goes through.
/// </summary>
public static partial class FileErrors
{
    // The errno values .NET reports in IOException.HResult on Linux, and the Windows HRESULTs of the same conditions.
    const int Eperm = 1, Eacces = 13, Enospc = 28, Erofs = 30, Edquot = 122;
    const int WinAccessDenied = unchecked((int)0x80070005), WinDiskFull = unchecked((int)0x80070070),
        WinHandleDiskFull = unchecked((int)0x80070027), WinWriteProtect = unchecked((int)0x80070013);

    /// <summary>
    /// What went wrong, in a few words ("no space left on the device"), when <paramref name="e"/> is a refusal of the
    /// environment rather than a bug; null otherwise.
    /// </summary>
    public static string? Problem(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        IOException { HResult: Enospc or WinDiskFull or WinHandleDiskFull } => "no space left on the device",
        IOException { HResult: Edquot } => "the disk quota is exceeded",
        IOException { HResult: Erofs or WinWriteProtect } => "the file system is read-only",
        IOException { HResult: Eacces or Eperm or WinAccessDenied } => "permission denied",
        _ => null,
    };

    /// <summary>
    /// An <see cref="InputException"/> saying that <paramref name="path"/> could not be written and why, when
    /// <paramref name="e"/> is a refusal of the environment (see <see cref="Problem"/>); null otherwise.
    /// </summary>
    public static InputException? Writing(string path, Exception e) =>
        Problem(e) is { } problem ? new InputException($"{UserPath(path)} could not be written: {problem}.", e) : null;

    /// <summary>
    /// The same sentence for an exception that reached the top without passing a writer that knew its file: the path
    /// comes from the exception's own message (.NET puts it there), with a temporary file's name replaced by its
    /// target's. Null when <paramref name="e"/> is no refusal of the environment.
    /// </summary>
    public static string? Describe(Exception e)
    {
        if (Problem(e) is not { } problem) return null;
        var quoted = QuotedPath().Match(e.Message);
        return quoted.Success
            ? $"{UserPath(quoted.Groups[1].Value)} could not be written: {problem}."
            : $"A file could not be written: {problem} ({e.Message.TrimEnd('.')}).";
    }

    /// <summary>The file a user knows for <paramref name="path"/>: the target of an atomic write's temporary file, else the path itself.</summary>
    public static string UserPath(string path)
    {
        var match = AtomicFile.TemporaryName().Match(Path.GetFileName(path));
        return match.Success ? Path.Combine(Path.GetDirectoryName(path) ?? "", match.Groups["target"].Value) : path;
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedPath();
}
