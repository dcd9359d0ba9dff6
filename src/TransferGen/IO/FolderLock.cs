using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace TransferGen.IO;

/// <summary>
/// An exclusive lock on a folder that one process holds until it disposes the lock or ends, however it ends: the
/// operating system releases it when the process dies (SIGKILL and power loss included), so a stale lock never blocks
/// the next run. It is a <see cref="FileName"/> file in the folder holding the holder's process id, locked with
/// <c>flock(2)</c> on Linux (an advisory lock that every TransferGen process asks for) and opened without sharing
/// elsewhere. The file stays when the lock is released (deleting it would let two processes lock two different files
/// of the same name); it is then empty.
/// </summary>
public sealed partial class FolderLock : IDisposable
{
    /// <summary>The lock file's name inside the folder.</summary>
    public const string FileName = ".lock";

    readonly FileStream _stream;

    FolderLock(string folder, FileStream stream)
    {
        Folder = folder;
        _stream = stream;
    }

    /// <summary>The locked folder.</summary>
    public string Folder { get; }

    /// <summary>
    /// Locks <paramref name="folder"/> (which must exist) for this process. An <see cref="InputException"/> naming the
    /// folder and the process id of the holder when another holds it (or another lock of this process), or when the
    /// folder refuses the lock file (read-only, full).
    /// </summary>
    public static FolderLock Acquire(string folder)
    {
        var full = Path.GetFullPath(folder);
        var path = Path.Combine(full, FileName);
        try
        {
            var stream = OperatingSystem.IsLinux() ? OpenLinux(full, path) : OpenElsewhere(full, path);
            try
            {
                stream.SetLength(0);
                stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
                stream.Flush();
            }
            catch
            {
                stream.Dispose();
                throw;
            }
            return new FolderLock(full, stream);
        }
        catch (Exception e) when (FileErrors.Problem(e) is { } problem)
        {
            throw new InputException($"{full} cannot be locked for writing: {problem}.", e);
        }
    }

    /// <summary>Releases the lock (the file is emptied and stays).</summary>
    public void Dispose()
    {
        try
        {
            _stream.SetLength(0);
        }
        catch (IOException) { }
        _stream.Dispose();
    }

    static InputException Busy(string folder, string? holder) =>
        new($"{folder} is in use by another TransferGen process ({(holder is null ? "its process id is unknown" : "PID " + holder)}), which is "
            + "writing into it; wait for it to finish or stop it, or choose another folder.");

    static FileStream OpenLinux(string folder, string path)
    {
        // Opened without .NET's FileStream path, which takes flock locks of its own (a shared one for a reader) and
        // would keep the refused process from reading the holder's id.
        var fd = Native.Open(path, Native.ReadWrite | Native.Create | Native.CloseOnExec, Convert.ToInt32("644", 8));
        if (fd < 0) throw Native.Error(path);
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var stream = new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
        if (Native.Flock(fd, Native.LockExclusive | Native.NoBlock) == 0) return stream;
        var errno = Marshal.GetLastPInvokeError();
        if (errno != Native.WouldBlock)
        {
            // A file system without flock (some network mounts): the run goes on unlocked rather than not at all.
            return stream;
        }
        string? holder;
        using (stream)
        {
            var buffer = new byte[32];
            var read = stream.Read(buffer);
            holder = int.TryParse(Encoding.ASCII.GetString(buffer, 0, read).Trim(), CultureInfo.InvariantCulture, out var pid)
                ? pid.ToString(CultureInfo.InvariantCulture) : null;
        }
        throw Busy(folder, holder);
    }

    static FileStream OpenElsewhere(string folder, string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException e) when (FileErrors.Problem(e) is null && File.Exists(path))
        {
            throw Busy(folder, null);
        }
    }

    static partial class Native
    {
        // Linux's values (x86-64 and arm64 share them).
        public const int ReadWrite = 0x2, Create = 0x40, CloseOnExec = 0x80000;
        public const int LockExclusive = 2, NoBlock = 4, WouldBlock = 11;

        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags, int mode);

        [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
        public static partial int Flock(int fd, int operation);

        /// <summary>The failed call's errno as the IOException .NET itself would throw (HResult = errno).</summary>
        public static IOException Error(string path)
        {
            var errno = Marshal.GetLastPInvokeError();
            return new IOException($"{Marshal.GetPInvokeErrorMessage(errno)} : '{path}'", errno);
        }
    }
}
