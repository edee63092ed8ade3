using System.Diagnostics;
using VaeOnnx.Build;

namespace VaeOnnx.Tests.Build;

/// <summary>
/// The MSBuild task itself (the tests otherwise compile only the ELF logic): run through <c>dotnet msbuild</c> on a
/// malformed library, it must fail the build with an error naming the file, not crash with MSB4018.
/// </summary>
[TestClass]
public sealed class ElfPatchTaskTests
{
    [TestMethod]
    public void MalformedLibraryGivesABuildErrorNamingTheFile()
    {
        var libstdcxx = ElfVersionNeedPatcher.FindSystemLibStdCxx();
        Assert.IsNotNull(libstdcxx, "no libstdc++.so.6 on this Linux machine");
        // The task only opens the libraries where the machine lacks the version (Debian 12, the project's machines).
        if (ElfVersionNeedPatcher.DefinesVersion(libstdcxx, WeakRequirement))
            Assert.Fail($"{libstdcxx} defines {WeakRequirement}: this test needs a machine where the task patches (Debian 12)");

        var folder = RepoPaths.NewTempFolder("elftask");
        var library = Path.Combine(folder, "libLibTorchSharp.so");
        byte[] bytes = [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, .. new byte[20]];
        File.WriteAllBytes(library, bytes);
        var targets = Path.Combine(RepoPaths.Root, "build", "TorchSharpNativeFix.targets");
        var project = Path.Combine(folder, "patch.proj");
        File.WriteAllText(project, $"""
            <Project>
              <Import Project="{targets}" />
              <Target Name="Patch">
                <WeakenTorchSharpGlibcxxRequirement Libraries="{library}" />
              </Target>
            </Project>
            """);

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var a in new[] { "msbuild", project, "-t:Patch", "-nologo", "-noAutoResponse", "-nodeReuse:false" }) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var output = stdout.Result + stderr;

        Assert.AreNotEqual(0, process.ExitCode, output);
        Assert.IsFalse(output.Contains("MSB4018"), "the task crashed instead of reporting an error:\n" + output);
        StringAssert.Contains(output, $"error : VaeOnnx: could not check or patch libLibTorchSharp.so for {WeakRequirement}: {library}:");
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(library), "the malformed file is left as it was");
    }

    private const string WeakRequirement = "GLIBCXX_3.4.32";
}
