// Compiled twice: into the build's inline MSBuild task (build/TorchSharpNativeFix.targets) and into the tests
// (with VAEONNX_ELF_LOGIC_ONLY, which leaves the MSBuild task class out), so the tests exercise exactly the code that
// patches build outputs. RoslynCodeTaskFactory compiles one source file against netstandard2.0, which is why several
// small types share this file and why only netstandard2.0 APIs are used here.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace VaeOnnx.Build
{
    /// <summary>What <see cref="ElfVersionNeedPatcher.MarkWeak"/> did to a file.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The file does not require the version at all.</summary>
        NotRequired,
        /// <summary>The requirement was already weak; the file was left as it was.</summary>
        AlreadyWeak,
        /// <summary>The requirement was marked weak.</summary>
        Patched,
    }

    /// <summary>One version requirement (<c>Vernaux</c>) of an ELF file's <c>.gnu.version_r</c> section.</summary>
    public sealed class ElfVersionNeed
    {
        /// <summary>Creates a record of one requirement.</summary>
        public ElfVersionNeed(string library, string version, ushort flags, long flagsOffset)
        {
            Library = library;
            Version = version;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        /// <summary>Library that must provide the version (e.g. libstdc++.so.6).</summary>
        public string Library { get; }
        /// <summary>Version name (e.g. GLIBCXX_3.4.32).</summary>
        public string Version { get; }
        /// <summary><c>vna_flags</c>; bit 0x2 (VER_FLG_WEAK) makes a missing version a non-fatal condition for the loader.</summary>
        public ushort Flags { get; }
        /// <summary>File offset of <c>vna_flags</c>.</summary>
        public long FlagsOffset { get; }
        /// <summary>True when VER_FLG_WEAK is set.</summary>
        public bool IsWeak => (Flags & ElfVersionNeedPatcher.VerFlagWeak) != 0;
    }

    /// <summary>
    /// Reads the symbol-version tables of 64-bit little-endian ELF files and marks one version requirement weak.
    /// A weak requirement lets the dynamic loader load a library whose libstdc++ lacks that version; symbols still bind by
    /// name, so this is safe only when nothing calls a symbol of that version, which is the case it is used for.
    /// </summary>
    public static class ElfVersionNeedPatcher
    {
        /// <summary>VER_FLG_WEAK of the ELF symbol-versioning specification.</summary>
        public const ushort VerFlagWeak = 0x2;

        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>All version requirements of the file.</summary>
        public static List<ElfVersionNeed> ReadVersionNeeds(string path)
        {
            var bytes = File.ReadAllBytes(path);
            return ReadVersionNeeds(bytes, path);
        }

        /// <summary>True when the library defines <paramref name="version"/> in its <c>.gnu.version_d</c> section.</summary>
        public static bool DefinesVersion(string libraryPath, string version)
        {
            var bytes = File.ReadAllBytes(libraryPath);
            var elf = new ElfView(bytes, libraryPath);
            foreach (var section in elf.Sections)
            {
                if (section.Type != ShtGnuVerdef) continue;
                var strings = elf.Sections[checked((int)section.Link)];
                long offset = section.Offset;
                for (int guard = 0; guard < 100000; guard++)
                {
                    elf.Require(offset, 20, "Verdef entry");
                    ushort count = elf.U16(offset + 6);
                    uint aux = elf.U32(offset + 12);
                    uint next = elf.U32(offset + 16);
                    if (count > 0)
                    {
                        long auxOffset = offset + aux;
                        elf.Require(auxOffset, 8, "Verdaux entry");
                        if (elf.String(strings, elf.U32(auxOffset)) == version) return true;
                    }
                    if (next == 0) break;
                    offset += next;
                }
            }
            return false;
        }

        /// <summary>
        /// Sets VER_FLG_WEAK on the requirement of <paramref name="version"/>. The new bytes are written to a temporary file
        /// beside <paramref name="path"/> and renamed over it, which also breaks any hard link to a shared copy. The file's
        /// timestamp is kept so that incremental builds do not copy the pristine file over it again.
        /// </summary>
        public static ElfPatchOutcome MarkWeak(string path, string version)
        {
            var bytes = File.ReadAllBytes(path);
            ElfVersionNeed? target = null;
            foreach (var need in ReadVersionNeeds(bytes, path))
                if (need.Version == version) target = need;
            if (target is null) return ElfPatchOutcome.NotRequired;
            if (target.IsWeak) return ElfPatchOutcome.AlreadyWeak;
            ushort flags = (ushort)(target.Flags | VerFlagWeak);
            bytes[target.FlagsOffset] = (byte)flags;
            bytes[target.FlagsOffset + 1] = (byte)(flags >> 8);
            var stamp = File.GetLastWriteTimeUtc(path);
            var temp = path + ".weak-" + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                File.WriteAllBytes(temp, bytes);
                File.SetLastWriteTimeUtc(temp, stamp);
                // File.Replace is a rename(2) on Unix: readers see the old file or the new one, never a mix.
                File.Replace(temp, path, null);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            return ElfPatchOutcome.Patched;
        }

        /// <summary>The libstdc++ the dynamic loader would pick: LD_LIBRARY_PATH first, then the standard library folders.</summary>
        public static string? FindSystemLibStdCxx()
        {
            var folders = new List<string>();
            var ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath)) folders.AddRange(ldPath.Split(':'));
            folders.AddRange(new[]
            {
                "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu",
                "/usr/lib64", "/lib64", "/usr/lib", "/lib",
            });
            foreach (var folder in folders)
            {
                if (folder.Length == 0) continue;
                var candidate = Path.Combine(folder, "libstdc++.so.6");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        private static List<ElfVersionNeed> ReadVersionNeeds(byte[] bytes, string path)
        {
            var elf = new ElfView(bytes, path);
            var needs = new List<ElfVersionNeed>();
            bool found = false;
            foreach (var section in elf.Sections)
            {
                if (section.Type != ShtGnuVerneed) continue;
                found = true;
                if (section.Link >= elf.Sections.Count) throw elf.Bad($".gnu.version_r links to string table {section.Link}, but there are {elf.Sections.Count} sections");
                var strings = elf.Sections[(int)section.Link];
                long offset = section.Offset;
                for (int guard = 0; guard < 100000; guard++)
                {
                    elf.Require(offset, 16, "Verneed entry");
                    ushort count = elf.U16(offset + 2);
                    string library = elf.String(strings, elf.U32(offset + 4));
                    uint aux = elf.U32(offset + 8);
                    uint next = elf.U32(offset + 12);
                    long auxOffset = offset + aux;
                    for (int i = 0; i < count; i++)
                    {
                        elf.Require(auxOffset, 16, "Vernaux entry");
                        ushort flags = elf.U16(auxOffset + 4);
                        string version = elf.String(strings, elf.U32(auxOffset + 8));
                        needs.Add(new ElfVersionNeed(library, version, flags, auxOffset + 4));
                        uint auxNext = elf.U32(auxOffset + 12);
                        if (auxNext == 0) break;
                        auxOffset += auxNext;
                    }
                    if (next == 0) break;
                    offset += next;
                }
            }
            if (!found) throw elf.Bad("no .gnu.version_r section (the file declares no symbol-version requirements)");
            return needs;
        }

        /// <summary>Bounds-checked little-endian reads over a 64-bit ELF image.</summary>
        private sealed class ElfView
        {
            private readonly byte[] _bytes;
            private readonly string _path;

            public ElfView(byte[] bytes, string path)
            {
                _bytes = bytes;
                _path = path;
                if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                    throw Bad("not an ELF file (expected the magic bytes 7f 45 4c 46)");
                if (bytes[4] != 2 || bytes[5] != 1) throw Bad($"ELF class {bytes[4]} / data encoding {bytes[5]}; expected 64-bit little-endian (2/1)");
                long sectionHeaders = (long)U64(0x28);
                ushort entrySize = U16(0x3a), count = U16(0x3c);
                if (entrySize < 64) throw Bad($"section header size {entrySize}; expected at least 64");
                Require(sectionHeaders, (long)entrySize * count, "section header table");
                for (int i = 0; i < count; i++)
                {
                    long h = sectionHeaders + (long)i * entrySize;
                    var section = new Section(U32(h + 4), (long)U64(h + 0x18), (long)U64(h + 0x20), U32(h + 0x28));
                    if (section.Type != 8 /* SHT_NOBITS */ && section.Type != 0) Require(section.Offset, section.Size, $"section {i}");
                    Sections.Add(section);
                }
            }

            public List<Section> Sections { get; } = new List<Section>();

            public InvalidDataException Bad(string problem) => new InvalidDataException($"{_path}: {problem}");

            public void Require(long offset, long length, string what)
            {
                if (offset < 0 || length < 0 || offset > _bytes.Length || length > _bytes.Length - offset)
                    throw Bad($"{what} at offset {offset} (+{length} bytes) lies outside the file ({_bytes.Length} bytes); the file is truncated or corrupt");
            }

            public ushort U16(long o) { Require(o, 2, "field"); return (ushort)(_bytes[o] | _bytes[o + 1] << 8); }
            public uint U32(long o) { Require(o, 4, "field"); return (uint)(_bytes[o] | _bytes[o + 1] << 8 | _bytes[o + 2] << 16 | _bytes[o + 3] << 24); }
            public ulong U64(long o) => U32(o) | (ulong)U32(o + 4) << 32;

            public string String(Section table, uint offset)
            {
                long start = table.Offset + offset;
                if (offset >= table.Size) throw Bad($"string offset {offset} beyond its table of {table.Size} bytes");
                long end = start;
                long limit = table.Offset + table.Size;
                while (end < limit && _bytes[end] != 0) end++;
                return Encoding.ASCII.GetString(_bytes, (int)start, (int)(end - start));
            }
        }

        private sealed class Section
        {
            public Section(uint type, long offset, long size, uint link)
            {
                Type = type;
                Offset = offset;
                Size = size;
                Link = link;
            }

            public uint Type { get; }
            public long Offset { get; }
            public long Size { get; }
            public uint Link { get; }
        }
    }
}

#if !VAEONNX_ELF_LOGIC_ONLY
namespace VaeOnnx.Build
{
    /// <summary>
    /// MSBuild task: on Linux machines whose libstdc++ lacks GLIBCXX_3.4.32, marks that requirement weak in the given
    /// copies of libLibTorchSharp.so (build or publish outputs, never the NuGet cache), with one message per patched file.
    /// With <see cref="Always"/> it marks them whatever this machine has: a published folder or a tool package runs on
    /// other machines, and a weak requirement changes nothing where the version exists.
    /// </summary>
    public sealed class WeakenTorchSharpGlibcxxRequirement : Microsoft.Build.Utilities.Task
    {
        /// <summary>The version TorchSharp 0.107 asks for only because GCC 13's iostream emits _ZSt21ios_base_library_initv.</summary>
        public const string Version = "GLIBCXX_3.4.32";

        /// <summary>Output copies of libLibTorchSharp.so.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Patch without looking at this machine's libstdc++ (outputs made to run elsewhere).</summary>
        public bool Always { get; set; }

        /// <inheritdoc />
        public override bool Execute()
        {
            if (Libraries.Length == 0) return true;
            string reason;
            try
            {
                if (Always) reason = "it will run on machines whose libstdc++ may lack it";
                else
                {
                    var libstdcxx = ElfVersionNeedPatcher.FindSystemLibStdCxx();
                    if (libstdcxx is null)
                    {
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "VaeOnnx: no libstdc++.so.6 found; TorchSharp native library left as shipped.");
                        return true;
                    }
                    if (ElfVersionNeedPatcher.DefinesVersion(libstdcxx, Version)) return true;
                    reason = $"this machine's {libstdcxx} has no {Version}";
                }
                foreach (var item in Libraries)
                {
                    var path = item.GetMetadata("FullPath");
                    if (ElfVersionNeedPatcher.MarkWeak(path, Version) == ElfPatchOutcome.Patched)
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            $"VaeOnnx: marked {Version} weak in {path}: {reason}, and TorchSharp needs it only for an iostream initialiser nothing calls.");
                }
                return true;
            }
            // InvalidDataException is how the ELF reader reports a malformed file (its message starts with the path); without
            // it here MSBuild would report MSB4018 with a stack trace instead of a build error naming the file.
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
            {
                Log.LogError($"VaeOnnx: could not check or patch libLibTorchSharp.so for {Version}: {e.Message}");
                return false;
            }
        }
    }
}
#endif
