using TorchSharp;
using VaeOnnx.Build;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Build;

/// <summary>
/// The build's answer to TorchSharp 0.107 needing GLIBCXX_3.4.32: the NuGet cache stays pristine, the output copy is
/// patched exactly where needed, and TorchSharp loads and computes from the output.
/// </summary>
[TestClass]
public sealed class TorchSharpNativeLibraryTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string OutputCopy => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string CacheCopy
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                       ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        }
    }

    [TestMethod]
    public void NuGetCacheCopyIsPristine()
    {
        Assert.IsTrue(File.Exists(CacheCopy), CacheCopy);
        var need = ElfVersionNeedPatcher.ReadVersionNeeds(CacheCopy).Single(n => n.Version == Version);
        Assert.AreEqual("libstdc++.so.6", need.Library);
        Assert.IsFalse(need.IsWeak, "the build must never patch the NuGet cache");
    }

    [TestMethod]
    public void OutputCopyIsWeakExactlyWhenThisMachineLacksTheVersion()
    {
        var libstdcxx = ElfVersionNeedPatcher.FindSystemLibStdCxx();
        Assert.IsNotNull(libstdcxx, "no libstdc++.so.6 on this Linux machine");
        bool machineHasIt = ElfVersionNeedPatcher.DefinesVersion(libstdcxx, Version);
        Assert.IsTrue(ElfVersionNeedPatcher.DefinesVersion(libstdcxx, "GLIBCXX_3.4"), "the verdef reader finds the base version");

        var need = ElfVersionNeedPatcher.ReadVersionNeeds(OutputCopy).Single(n => n.Version == Version);
        Assert.AreEqual(!machineHasIt, need.IsWeak);

        // Apart from those two flag bytes the output copy is the shipped file.
        var pristine = File.ReadAllBytes(CacheCopy);
        var output = File.ReadAllBytes(OutputCopy);
        Assert.AreEqual(pristine.Length, output.Length);
        var differing = Enumerable.Range(0, pristine.Length).Where(i => pristine[i] != output[i]).ToArray();
        if (machineHasIt) Assert.AreEqual(0, differing.Length);
        else CollectionAssert.AreEqual(new[] { (int)need.FlagsOffset }, differing, "only the low byte of vna_flags changes");
    }

    [TestMethod]
    public void TorchSharpLoadsAndComputes()
    {
        using var scope = NewDisposeScope();
        var product = ones(2, 3).matmul(ones(3, 2));
        CollectionAssert.AreEqual(new float[] { 3, 3, 3, 3 }, product.data<float>().ToArray());

        // Computing is not enough: the library the process mapped must be the (patched) output copy. Were the loader to
        // pick up the NuGet cache copy, TorchSharp would work here only because this machine happens to tolerate it.
        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && Path.GetFileName(fields[5].Trim()) == "libLibTorchSharp.so")
            .Select(fields => fields[5].Trim())
            .Distinct()
            .ToArray();
        Assert.AreEqual(1, mapped.Length, "exactly one libLibTorchSharp.so mapped: " + string.Join(", ", mapped));
        Assert.AreEqual(RealPath(OutputCopy), mapped[0], "the mapped library is the output copy");
        Assert.AreNotEqual(RealPath(CacheCopy), mapped[0]);
    }

    /// <summary>The path with every symbolic link resolved, as the kernel writes it in /proc/self/maps.</summary>
    private static string RealPath(string path)
    {
        var resolved = "/";
        foreach (var part in Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(resolved, part);
            resolved = new FileInfo(next).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next;
        }
        return resolved;
    }

    [TestMethod]
    public void PatchingIsIdempotentAndOnlyTouchesTheFlag()
    {
        var copy = Path.Combine(RepoPaths.NewTempFolder("elf"), "lib.so");
        File.Copy(CacheCopy, copy);
        Assert.AreEqual(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.MarkWeak(copy, Version));
        Assert.AreEqual(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.MarkWeak(copy, Version));
        Assert.AreEqual(ElfPatchOutcome.NotRequired, ElfVersionNeedPatcher.MarkWeak(copy, "GLIBCXX_99.0"));
        var needs = ElfVersionNeedPatcher.ReadVersionNeeds(copy);
        Assert.IsTrue(needs.Single(n => n.Version == Version).IsWeak);
        Assert.IsTrue(needs.Where(n => n.Version != Version).All(n => !n.IsWeak), "other requirements stay strong");
        Assert.AreEqual(1, Directory.GetFiles(Path.GetDirectoryName(copy)!).Length, "no temporary file left");
    }

    [TestMethod]
    public void MalformedFilesFailWithTheFileNamed()
    {
        var folder = RepoPaths.NewTempFolder("elfbad");
        var cases = new Dictionary<string, byte[]>
        {
            ["empty.so"] = [],
            ["text.so"] = "this is not an ELF file at all, just some text to fill sixty-four bytes......"u8.ToArray(),
            ["truncated.so"] = File.ReadAllBytes(CacheCopy)[..4096],
            ["elf32.so"] = [0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1, .. new byte[58]],
        };
        foreach (var (name, bytes) in cases)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.MarkWeak(path, Version), name);
            StringAssert.Contains(e.Message, path);
            CollectionAssert.AreEqual(bytes, File.ReadAllBytes(path), $"{name} left untouched");
        }
        // A valid ELF without version requirements: libstdc++'s own verdefs are not needs; use a static-free tiny case instead.
        var noVersions = Path.Combine(folder, "noversions.so");
        File.WriteAllBytes(noVersions, MinimalElfWithoutSections());
        var missing = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadVersionNeeds(noVersions));
        StringAssert.Contains(missing.Message, ".gnu.version_r");
    }

    private static byte[] MinimalElfWithoutSections()
    {
        var header = new byte[64];
        header[0] = 0x7f; header[1] = (byte)'E'; header[2] = (byte)'L'; header[3] = (byte)'F';
        header[4] = 2; header[5] = 1; header[6] = 1;
        header[0x3a] = 64; // e_shentsize; e_shnum stays 0: no sections at all
        return header;
    }
}
