namespace TransferGen.IO;

/// <summary>
/// Checks that an output the user named replaces nothing: TransferGen never overwrites a file it did not write, so a
/// command refuses before it starts rather than after it has computed what it would write there.
/// </summary>
public static class OutputPaths
{
    /// <summary>
    /// An <see cref="InputException"/> when <paramref name="path"/> is a folder or an existing file; nothing when it is
    /// free (its folder is made when the file is written).
    /// </summary>
    public static void RequireNewFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new InputException($"{full} is a folder; give the name of a new file.");
        if (File.Exists(full)) throw new InputException($"{full} already exists; choose another file name (TransferGen does not replace existing files).");
    }

    /// <summary>An <see cref="InputException"/> when <paramref name="path"/> is a file or a folder that is not empty.</summary>
    public static void RequireNewFolder(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new InputException($"{full} is a file; give a new or empty folder.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new InputException($"{full} is not empty; choose a new or empty folder (TransferGen does not write among existing files).");
    }
}
