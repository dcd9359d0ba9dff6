using System.Runtime.InteropServices;

namespace TransferGen.Benchmarks.Memory;

/// <summary>Asks the C heap (glibc malloc, which LibTorch's CPU allocator uses) to return free pages to the system.</summary>
internal static partial class NativeHeap
{
    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    /// <summary>Trims the heap on Linux with glibc; does nothing elsewhere or when the call is unavailable.</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // musl and other C libraries have no malloc_trim; RSS then includes their free pages.
        }
    }
}
