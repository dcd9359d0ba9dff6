using System.Runtime.CompilerServices;
using TransferGen.Build;

namespace TransferGen;

/// <summary>
/// Makes TorchSharp loadable for every program that uses the library, however it was built. The build patches the
/// output copy of libLibTorchSharp.so (build/LibTorchCompat) — but only for projects under this repository's
/// Directory.Build.targets; a program elsewhere that references the library gets TorchSharp's unpatched copy, which
/// Debian 12's and Ubuntu 22.04's libstdc++ refuse. So when the library loads, before any TorchSharp call, the copy
/// next to the program is checked and, only if the system libstdc++ lacks GLIBCXX_3.4.32, patched the same way
/// (temporary file and rename; the NuGet cache is never touched).
/// </summary>
internal static class LibTorchCompat
{
    /// <summary>Set to 1 to leave libLibTorchSharp.so alone.</summary>
    public const string DisableVariable = "TRANSFERGEN_NO_LIBTORCH_PATCH";

#pragma warning disable CA2255 // A module initializer is the one place that runs before the first TorchSharp call, whichever type a program uses first.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void PatchNextToTheProgram()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(DisableVariable) == "1") return;
        PatchIn(AppContext.BaseDirectory);
    }

    /// <summary>
    /// Patches the copies of libLibTorchSharp.so where .NET loads it for a program in <paramref name="folder"/>, when the
    /// system libstdc++ is too old (or <paramref name="force"/>); returns the files patched.
    /// </summary>
    internal static IReadOnlyList<string> PatchIn(string folder, bool force = false)
    {
        var patched = new List<string>();
        try
        {
            var candidates = new[]
            {
                Path.Combine(folder, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
                Path.Combine(folder, "libLibTorchSharp.so"),
            };
            var unpatched = candidates.Where(f => File.Exists(f) && !LibTorchSharpPatcher.IsPatched(File.ReadAllBytes(f))).ToList();
            if (unpatched.Count == 0) return patched;
            var libstdcxx = LibTorchSharpPatcher.FindSystemLibStdCxx();
            if (!force && (libstdcxx is null || LibTorchSharpPatcher.LibStdCxxHasVersion(File.ReadAllBytes(libstdcxx)))) return patched;
            foreach (var file in unpatched)
                if (LibTorchSharpPatcher.PatchFile(file) == PatchOutcome.Patched) patched.Add(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // A read-only install or an unknown library: TorchSharp's own load failure then says what is wrong, and the
            // command line turns it into one sentence.
        }
        return patched;
    }
}
