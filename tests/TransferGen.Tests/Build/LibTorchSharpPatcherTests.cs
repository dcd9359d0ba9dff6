using System.Security.Cryptography;
using TransferGen.Build;

namespace TransferGen.Tests.Build;

/// <summary>The ELF patch that lets TorchSharp load on older libstdc++, tested on the real library file.</summary>
public sealed class LibTorchSharpPatcherTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("tg-patch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The pristine library in the NuGet cache (never modified by the build).</summary>
    static string OriginalLibrary()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"TorchSharp's native library should be in the NuGet cache at {path}");
        return path;
    }

    string CopyOfOriginal()
    {
        var copy = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(OriginalLibrary(), copy);
        return copy;
    }

    [Fact]
    public void The_original_library_needs_the_patch()
    {
        var image = File.ReadAllBytes(OriginalLibrary());
        Assert.False(LibTorchSharpPatcher.IsPatched(image));
        Assert.True(LibTorchSharpPatcher.LibStdCxxHasVersion(image, LibTorchSharpPatcher.TooNewVersion),
            "the original should name GLIBCXX_3.4.32 among its needs");
    }

    [Fact]
    public void Patching_renames_the_symbol_marks_the_version_weak_and_changes_only_a_few_bytes()
    {
        var path = CopyOfOriginal();
        var before = File.ReadAllBytes(path);

        Assert.Equal(PatchOutcome.Patched, LibTorchSharpPatcher.PatchFile(path));

        var after = File.ReadAllBytes(path);
        Assert.Equal(before.Length, after.Length);
        Assert.True(LibTorchSharpPatcher.IsPatched(after));
        var changed = before.Zip(after).Count(p => p.First != p.Second);
        // The symbol name (≤ 28 bytes), its binding byte, its version index and one vernaux flag word.
        Assert.InRange(changed, 4, 40);
        Assert.Contains("_ZSt15get_new_handlerv\0"u8.ToArray(), Slices(after, 23));
    }

    [Fact]
    public void Patching_twice_is_a_no_op()
    {
        var path = CopyOfOriginal();
        LibTorchSharpPatcher.PatchFile(path);
        var once = File.ReadAllBytes(path);
        Assert.Equal(PatchOutcome.AlreadyPatched, LibTorchSharpPatcher.PatchFile(path));
        Assert.Equal(once, File.ReadAllBytes(path));
    }

    [Fact]
    public void Patching_a_hard_link_leaves_the_other_name_untouched()
    {
        var original = CopyOfOriginal();
        var link = Path.Combine(_dir, "linked.so");
        var ln = System.Diagnostics.Process.Start("ln", [original, link]);
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
        var hash = SHA256.HashData(File.ReadAllBytes(original));

        LibTorchSharpPatcher.PatchFile(link);

        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(original)));
        Assert.True(LibTorchSharpPatcher.IsPatched(File.ReadAllBytes(link)));
    }

    [Fact]
    public void A_library_without_the_new_version_is_not_touched()
    {
        // libSkiaSharp.so sits next to it in the output folder and needs no GLIBCXX_3.4.32.
        var skia = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libSkiaSharp.so");
        Assert.True(File.Exists(skia));
        var image = File.ReadAllBytes(skia);
        var copy = (byte[])image.Clone();
        Assert.Equal(PatchOutcome.NotNeeded, LibTorchSharpPatcher.Patch(copy));
        Assert.Equal(image, copy);
    }

    [Fact]
    public void Non_elf_and_truncated_files_are_refused_with_a_reason()
    {
        var text = Path.Combine(_dir, "not-elf.so");
        File.WriteAllText(text, "hello, this is not a shared library at all, just some text padding it out....");
        var e1 = Assert.Throws<InvalidDataException>(() => LibTorchSharpPatcher.PatchFile(text));
        Assert.Contains("not-elf.so", e1.Message);
        Assert.Contains("not an ELF file", e1.Message);

        var truncated = Path.Combine(_dir, "truncated.so");
        File.WriteAllBytes(truncated, File.ReadAllBytes(OriginalLibrary()).AsSpan(0, 200_000).ToArray());
        var e2 = Assert.Throws<InvalidDataException>(() => LibTorchSharpPatcher.PatchFile(truncated));
        Assert.Contains("truncated.so", e2.Message);
    }

    [Fact]
    public void The_build_patched_this_test_run_exactly_when_the_system_libstdcxx_is_too_old()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var system = LibTorchSharpPatcher.FindSystemLibStdCxx();
        Assert.NotNull(system);
        var systemIsNew = LibTorchSharpPatcher.LibStdCxxHasVersion(File.ReadAllBytes(system!));
        Assert.Equal(!systemIsNew, LibTorchSharpPatcher.IsPatched(File.ReadAllBytes(output)));
        // The NuGet cache copy is never modified.
        Assert.False(LibTorchSharpPatcher.IsPatched(File.ReadAllBytes(OriginalLibrary())));
    }

    [Fact]
    public void A_program_built_outside_the_repository_gets_its_copy_patched_when_the_library_loads()
    {
        // The layout `dotnet build` gives a program that references the library from elsewhere: TorchSharp's own copy,
        // unpatched, under runtimes/linux-x64/native. The library's module initializer runs this on the program's folder.
        var native = Directory.CreateDirectory(Path.Combine(_dir, "app", "runtimes", "linux-x64", "native")).FullName;
        var copy = Path.Combine(native, "libLibTorchSharp.so");
        File.Copy(OriginalLibrary(), copy);

        var patched = LibTorchCompat.PatchIn(Path.Combine(_dir, "app"), force: true);

        Assert.Equal([copy], patched);
        Assert.True(LibTorchSharpPatcher.IsPatched(File.ReadAllBytes(copy)));
        Assert.Empty(LibTorchCompat.PatchIn(Path.Combine(_dir, "app"), force: true));   // once is enough
        Assert.False(LibTorchSharpPatcher.IsPatched(File.ReadAllBytes(OriginalLibrary())));
        Assert.Empty(LibTorchCompat.PatchIn(Path.Combine(_dir, "empty")));               // nothing there: nothing done
    }

    static IEnumerable<byte[]> Slices(byte[] data, int length)
    {
        var needle = "_ZSt15get_new_handlerv\0"u8;
        var at = data.AsSpan().IndexOf(needle);
        if (at >= 0) yield return data.AsSpan(at, length).ToArray();
    }
}
