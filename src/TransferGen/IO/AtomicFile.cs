using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TransferGen.IO;

/// <summary>
/// Writes files so that a reader (or a crash) never sees half a file: the content goes to a temporary file in
/// the same folder, which is then renamed over the target in one step.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically, creating the folder if needed.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Lets <paramref name="write"/> fill a temporary file, flushes it to disk, then renames it to
    /// <paramref name="path"/>. If <paramref name="write"/> throws, the temporary file is removed and the target is
    /// left as it was. A refusal of the environment (permission denied, a read-only file system, a full disk) and a
    /// folder in the target's place are an <see cref="InputException"/> naming the target, not the temporary file.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new InputException($"{full} is a folder, so no file can be written in its place.");
        var dir = Path.GetDirectoryName(full) ?? ".";
        CreateFolder(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (FileErrors.Writing(full, e) is { } refused)
        {
            throw refused;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>
    /// Creates <paramref name="folder"/> and its parents; a file in the way or a refusal of the environment is an
    /// <see cref="InputException"/> naming the path.
    /// </summary>
    public static void CreateFolder(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (Directory.Exists(full)) return;
        for (var ancestor = full; ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
            if (File.Exists(ancestor)) throw new InputException($"{ancestor} is a file, so the folder {full} cannot be made.");
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (FileErrors.Problem(e) is { } problem)
        {
            throw new InputException($"The folder {full} could not be made: {problem}.", e);
        }
    }

    static void TryDelete(string file)
    {
        try
        {
            if (File.Exists(file)) File.Delete(file);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Deletes the temporary files that writers killed mid-write (SIGKILL, power loss) left in <paramref name="folder"/>
    /// and its subfolders: those whose writing process no longer runs. Called when a run resumes. Returns the count.
    /// </summary>
    public static int RemoveStale(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp", SearchOption.AllDirectories))
        {
            var match = TemporaryName().Match(Path.GetFileName(file));
            if (!match.Success || !int.TryParse(match.Groups["pid"].Value, out var pid) || IsRunning(pid)) continue;
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;   // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The name of a temporary file of <see cref="Write"/>: ".TARGET.PID.GUID.tmp".</summary>
    [GeneratedRegex(@"^\.(?<target>.+)\.(?<pid>\d+)\.[0-9a-f]{32}\.tmp$")]
    internal static partial Regex TemporaryName();
}
