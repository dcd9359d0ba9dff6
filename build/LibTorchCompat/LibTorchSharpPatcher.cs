// Binary surgery that lets TorchSharp 0.107.0 load on glibc systems whose libstdc++ is older than GCC 13
// (Debian 12, Ubuntu 22.04).
//
// libLibTorchSharp.so was linked by GCC 13, which makes every object that includes <iostream> reference
// std::ios_base_library_init() at version GLIBCXX_3.4.32. The reference is only there to pull in the
// iostream initialiser; nothing ever calls it. An older libstdc++ has neither the symbol nor the version,
// so the dynamic loader refuses the whole library. The patch below
//   1. marks the GLIBCXX_3.4.32 entry of .gnu.version_r weak (VER_FLG_WEAK), so a missing version is not fatal;
//   2. renames the undefined symbol to std::get_new_handler() at GLIBCXX_3.4.20, a symbol every libstdc++
//      since GCC 5 exports, so the relocation binds to something real without a compiler or shim library;
//   3. makes that symbol binding weak, so nothing fails even if the lookup did.
// It only ever rewrites the copy in a build output folder (written to a temporary file and renamed over,
// so a hard link into the NuGet cache is never written through).
//
// This file is compiled twice: into an MSBuild inline task (build/LibTorchCompat.targets) and into the
// test project, which defines LIBTORCHCOMPAT_NO_TASK to leave out the MSBuild-specific task class.

#nullable enable

using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace TransferGen.Build
{
    /// <summary>What <see cref="LibTorchSharpPatcher.Patch"/> did to a file.</summary>
    public enum PatchOutcome
    {
        /// <summary>The file was rewritten.</summary>
        Patched,
        /// <summary>The file already carries the patch; nothing was written.</summary>
        AlreadyPatched,
        /// <summary>The file never needed the patch (it does not require GLIBCXX_3.4.32).</summary>
        NotNeeded,
    }

    /// <summary>Reads and rewrites the few ELF64 structures the patch touches.</summary>
    public static class LibTorchSharpPatcher
    {
        /// <summary>The symbol GCC 13 references from every translation unit that includes &lt;iostream&gt;.</summary>
        public const string IosInitSymbol = "_ZSt21ios_base_library_initv";
        /// <summary>The harmless, long-exported symbol the reference is redirected to.</summary>
        public const string ReplacementSymbol = "_ZSt15get_new_handlerv";
        /// <summary>The symbol version that is too new for older libstdc++.</summary>
        public const string TooNewVersion = "GLIBCXX_3.4.32";
        /// <summary>The version <see cref="ReplacementSymbol"/> is exported at.</summary>
        public const string ReplacementVersion = "GLIBCXX_3.4.20";

        const uint ShtNobits = 8;
        const uint ShtDynsym = 11;
        const uint ShtGnuVerneed = 0x6ffffffe;
        const uint ShtGnuVersym = 0x6fffffff;
        const ushort VerFlgWeak = 0x2;
        const byte StbWeak = 2;

        /// <summary>True when a libstdc++ image exports <see cref="TooNewVersion"/> (so no patch is needed).</summary>
        public static bool LibStdCxxHasVersion(byte[] libstdcxx, string version = TooNewVersion)
        {
            var needle = Encoding.ASCII.GetBytes(version + "\0");
            return IndexOf(libstdcxx, needle) >= 0;
        }

        /// <summary>
        /// Finds the libstdc++.so.6 the dynamic loader would most likely pick: LD_LIBRARY_PATH first, then the
        /// standard multiarch and lib64 folders. Null when none is found (not Linux, or an unusual layout).
        /// </summary>
        public static string? FindSystemLibStdCxx()
        {
            var dirs = new List<string>();
            var ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath))
                dirs.AddRange(ldPath.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries));
            dirs.AddRange(new[]
            {
                "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
                "/usr/local/lib", "/usr/local/lib64",
            });
            foreach (var dir in dirs)
            {
                var candidate = Path.Combine(dir, "libstdc++.so.6");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        /// <summary>True when the image already carries this patch.</summary>
        public static bool IsPatched(byte[] image)
        {
            var elf = new Elf(image);
            var (_, flags, _) = elf.FindVernaux(TooNewVersion);
            return flags.HasValue && (flags.Value & VerFlgWeak) != 0 && elf.FindDynamicSymbol(IosInitSymbol) < 0;
        }

        /// <summary>
        /// Applies the patch to an in-memory ELF image. Throws <see cref="InvalidDataException"/> with a
        /// one-sentence reason when the file is not the kind of library this patch understands.
        /// </summary>
        public static PatchOutcome Patch(byte[] image)
        {
            var elf = new Elf(image);
            var (tooNewOffset, tooNewFlags, tooNewIndex) = elf.FindVernaux(TooNewVersion);
            if (tooNewOffset < 0) return PatchOutcome.NotNeeded;

            var symbolIndex = elf.FindDynamicSymbol(IosInitSymbol);
            if (symbolIndex < 0)
            {
                if ((tooNewFlags!.Value & VerFlgWeak) != 0) return PatchOutcome.AlreadyPatched;
                throw new InvalidDataException(
                    $"it requires {TooNewVersion} but does not reference {IosInitSymbol}, so the known fix does not apply");
            }
            if (elf.VersionIndexOf(symbolIndex) != tooNewIndex)
                throw new InvalidDataException($"{IosInitSymbol} is not bound to {TooNewVersion}, so the known fix does not apply");
            if (elf.SymbolSectionIndex(symbolIndex) != 0)
                throw new InvalidDataException($"{IosInitSymbol} is defined in the library rather than imported");

            var (_, _, replacementIndex) = elf.FindVernaux(ReplacementVersion);
            if (replacementIndex == 0)
                throw new InvalidDataException($"it does not already depend on {ReplacementVersion}, which the fix needs");

            // Point the symbol's name at "_ZSt15get_new_handlerv": reuse the string if the table has it,
            // otherwise write it over the old (longer) name, which no other entry shares.
            var newName = elf.FindString(ReplacementSymbol);
            if (newName < 0)
            {
                newName = elf.SymbolNameOffset(symbolIndex);
                elf.OverwriteString(newName, IosInitSymbol, ReplacementSymbol);
            }
            elf.SetSymbolName(symbolIndex, newName);
            elf.SetSymbolBindingWeak(symbolIndex, StbWeak);
            elf.SetVersionIndex(symbolIndex, replacementIndex);
            elf.SetVernauxFlags(tooNewOffset, (ushort)(tooNewFlags!.Value | VerFlgWeak));
            return PatchOutcome.Patched;
        }

        /// <summary>Patches a file in place (atomically: temporary file, then rename). Returns what happened.</summary>
        public static PatchOutcome PatchFile(string path)
        {
            var image = File.ReadAllBytes(path);
            PatchOutcome outcome;
            try { outcome = Patch(image); }
            catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}.", e); }
            if (outcome != PatchOutcome.Patched) return outcome;

            // Write a new file and rename it over the old one, so a hard link into the NuGet cache is never
            // written through and a reader never sees half a library.
            var temp = path + ".patching";
            File.WriteAllBytes(temp, image);
            try
            {
                File.Delete(path);
                File.Move(temp, path);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            return outcome;
        }

        static int IndexOf(byte[] haystack, byte[] needle)
        {
            return IndexOf(haystack, needle, 0, haystack.Length);
        }

        // Plain loops: this file also compiles as an MSBuild inline task against netstandard2.0 (no spans).
        static int IndexOf(byte[] haystack, byte[] needle, int start, int end)
        {
            for (var i = start; i <= end - needle.Length; i++)
            {
                var j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j]) j++;
                if (j == needle.Length) return i;
            }
            return -1;
        }

        /// <summary>Just enough of an ELF64 little-endian reader/writer for the dynamic symbol and version tables.</summary>
        sealed class Elf
        {
            readonly byte[] _b;
            readonly int _dynsymOff, _dynsymCount, _dynstrOff, _dynstrSize, _versymOff, _verneedOff, _verneedCount;

            public Elf(byte[] image)
            {
                _b = image;
                if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
                    throw new InvalidDataException("it is not an ELF file");
                if (image[4] != 2 || image[5] != 1)
                    throw new InvalidDataException("it is not a 64-bit little-endian ELF file");

                var shoff = checked((int)U64(0x28));
                var shentsize = U16(0x3A);
                var shnum = U16(0x3C);
                if (shentsize != 64 || shoff <= 0 || shoff + shnum * 64 > image.Length)
                    throw new InvalidDataException("its section header table is missing or truncated");

                _dynsymOff = _versymOff = _verneedOff = _dynstrOff = -1;
                for (var i = 0; i < shnum; i++)
                {
                    var h = shoff + i * 64;
                    var type = U32(h + 4);
                    var offset = checked((int)U64(h + 0x18));
                    var size = checked((int)U64(h + 0x20));
                    var link = (int)U32(h + 0x28);
                    var info = (int)U32(h + 0x2C);
                    // NOBITS sections (.bss) occupy no bytes in the file.
                    if (type != ShtNobits && (offset < 0 || offset + size > image.Length))
                        throw new InvalidDataException($"section {i} lies outside the file");
                    switch (type)
                    {
                        case ShtDynsym:
                            _dynsymOff = offset;
                            _dynsymCount = size / 24;
                            var strHeader = shoff + link * 64;
                            _dynstrOff = checked((int)U64(strHeader + 0x18));
                            _dynstrSize = checked((int)U64(strHeader + 0x20));
                            break;
                        case ShtGnuVersym:
                            _versymOff = offset;
                            break;
                        case ShtGnuVerneed:
                            _verneedOff = offset;
                            _verneedCount = info;
                            break;
                    }
                }
                if (_dynsymOff < 0 || _dynstrOff < 0)
                    throw new InvalidDataException("it has no dynamic symbol table");
            }

            /// <summary>Offset of the vernaux entry named <paramref name="version"/>, its flags and version index.</summary>
            public (int Offset, ushort? Flags, ushort Index) FindVernaux(string version)
            {
                if (_verneedOff < 0) return (-1, null, 0);
                var vn = _verneedOff;
                for (var n = 0; n < _verneedCount; n++)
                {
                    var count = U16(vn + 2);
                    var aux = vn + (int)U32(vn + 8);
                    for (var a = 0; a < count; a++)
                    {
                        if (String((int)U32(aux + 8)) == version)
                            return (aux, U16(aux + 4), U16(aux + 6));
                        var next = (int)U32(aux + 12);
                        if (next == 0) break;
                        aux += next;
                    }
                    var nextVn = (int)U32(vn + 12);
                    if (nextVn == 0) break;
                    vn += nextVn;
                }
                return (-1, null, 0);
            }

            public int FindDynamicSymbol(string name)
            {
                for (var i = 1; i < _dynsymCount; i++)
                    if (String(SymbolNameOffset(i)) == name) return i;
                return -1;
            }

            public int SymbolNameOffset(int i) => (int)U32(_dynsymOff + i * 24);
            public int SymbolSectionIndex(int i) => U16(_dynsymOff + i * 24 + 6);
            public ushort VersionIndexOf(int i) => _versymOff < 0 ? (ushort)0 : (ushort)(U16(_versymOff + i * 2) & 0x7fff);

            public void SetSymbolName(int i, int nameOffset) => W32(_dynsymOff + i * 24, (uint)nameOffset);
            public void SetVersionIndex(int i, ushort index) => W16(_versymOff + i * 2, index);
            public void SetVernauxFlags(int auxOffset, ushort flags) => W16(auxOffset + 4, flags);

            public void SetSymbolBindingWeak(int i, byte binding)
            {
                var at = _dynsymOff + i * 24 + 4;
                _b[at] = (byte)((binding << 4) | (_b[at] & 0xf));
            }

            /// <summary>Offset in .dynstr of a whole NUL-terminated string equal to <paramref name="s"/>, or -1.</summary>
            public int FindString(string s)
            {
                var needle = Encoding.ASCII.GetBytes(s + "\0");
                var end = _dynstrOff + _dynstrSize;
                var start = _dynstrOff;
                while (true)
                {
                    var at = IndexOf(_b, needle, start, end);
                    if (at < 0) return -1;
                    if (at == _dynstrOff || _b[at - 1] == 0) return at - _dynstrOff;
                    start = at + 1;
                }
            }

            /// <summary>Writes <paramref name="replacement"/> over the string at <paramref name="offset"/>.</summary>
            public void OverwriteString(int offset, string expected, string replacement)
            {
                if (replacement.Length > expected.Length)
                    throw new InvalidDataException("the replacement symbol name does not fit");
                // The linker may share string tails ("...initv" used by another name); refuse if anything does.
                for (var i = 1; i < _dynsymCount; i++)
                {
                    var name = SymbolNameOffset(i);
                    if (name > offset && name <= offset + expected.Length)
                        throw new InvalidDataException("another symbol shares the end of the name to be replaced");
                }
                var bytes = Encoding.ASCII.GetBytes(replacement);
                var at = _dynstrOff + offset;
                Array.Copy(bytes, 0, _b, at, bytes.Length);
                for (var k = bytes.Length; k < expected.Length; k++) _b[at + k] = 0;
            }

            string String(int offset)
            {
                if (offset < 0 || offset >= _dynstrSize) throw new InvalidDataException("a string table offset is out of range");
                var start = _dynstrOff + offset;
                var end = Array.IndexOf(_b, (byte)0, start, _dynstrOff + _dynstrSize - start);
                if (end < 0) throw new InvalidDataException("a string in the dynamic string table is not terminated");
                return Encoding.ASCII.GetString(_b, start, end - start);
            }

            ushort U16(int at) => BitConverter.ToUInt16(_b, at);
            uint U32(int at) => BitConverter.ToUInt32(_b, at);
            ulong U64(int at) => BitConverter.ToUInt64(_b, at);
            void W16(int at, ushort v) => Array.Copy(BitConverter.GetBytes(v), 0, _b, at, 2);
            void W32(int at, uint v) => Array.Copy(BitConverter.GetBytes(v), 0, _b, at, 4);
        }
    }

#if !LIBTORCHCOMPAT_NO_TASK
    /// <summary>MSBuild task: patches libLibTorchSharp.so in an output folder when the system libstdc++ is too old.</summary>
    public sealed class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        /// <summary>The output folder to search (recursively) for libLibTorchSharp.so.</summary>
        [Microsoft.Build.Framework.Required]
        public string Directory { get; set; } = "";

        /// <summary>Patch even if the system libstdc++ looks new enough (for testing).</summary>
        public bool Force { get; set; }

        public override bool Execute()
        {
            if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux)) return true;
            if (!System.IO.Directory.Exists(Directory)) return true;
            if (!Force)
            {
                var libstdcxx = LibTorchSharpPatcher.FindSystemLibStdCxx();
                if (libstdcxx == null)
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, "LibTorchCompat: no libstdc++.so.6 found; nothing patched.");
                    return true;
                }
                if (LibTorchSharpPatcher.LibStdCxxHasVersion(File.ReadAllBytes(libstdcxx)))
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"LibTorchCompat: {libstdcxx} provides {LibTorchSharpPatcher.TooNewVersion}; nothing to patch.");
                    return true;
                }
            }
            foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                try
                {
                    var outcome = LibTorchSharpPatcher.PatchFile(file);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"LibTorchCompat: {file}: {outcome}.");
                }
                catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogWarning($"LibTorchCompat: could not patch {e.Message} TorchSharp may fail to load on this system.");
                }
            }
            return true;
        }
    }
#endif
}
