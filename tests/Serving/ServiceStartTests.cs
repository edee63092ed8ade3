using VaeOnnx.Tests.Packaging;

namespace VaeOnnx.Tests.Serving;

/// <summary>The service as a process: a model folder it cannot serve ends it with exit code 1 and one line on stderr.</summary>
[TestClass]
public sealed class ServiceStartTests
{
    private static readonly string ServiceDll = Path.Combine(AppContext.BaseDirectory, "VaeOnnx.Serving.dll");

    private static ProcessRun Start(string folder, params string[] args) =>
        ProcessRun.Dotnet(folder, TimeSpan.FromSeconds(60), [ServiceDll, .. args, "--urls", "http://127.0.0.1:0"]);

    private static string OnlyLine(ProcessRun run)
    {
        Assert.AreEqual(1, run.ExitCode, run.ToString());
        Assert.AreEqual("", run.Output, "nothing on stdout: no log record");
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(1, lines.Length, run.ToString());
        Assert.IsFalse(run.Error.Contains("   at ", StringComparison.Ordinal), "no stack trace");
        return lines[0];
    }

    [TestMethod]
    public void AMissingFolderIsOneLineNamingItRelativeToTheWorkingDirectory()
    {
        var here = RepoPaths.NewTempFolder("serving-start");
        var line = OnlyLine(Start(here, "--model", "models/absent"));
        Assert.AreEqual($"vae-serving: {Path.Combine(here, "models", "absent")}: model folder not found; expected a folder with encoder.onnx and decoder.onnx", line);
    }

    [TestMethod]
    public void ABrokenPairOrNoFolderSettingIsOneLine()
    {
        var broken = ServingFolders.CopyOf(ServingFolders.SensorsA);
        File.WriteAllText(Path.Combine(broken, "decoder.onnx"), "not a graph");
        var line = OnlyLine(Start(broken, "--model", broken));
        StringAssert.StartsWith(line, $"vae-serving: {Path.Combine(broken, "decoder.onnx")}");
        var unset = OnlyLine(Start(broken));
        StringAssert.Contains(unset, "Vae:ModelFolder is not set; start the service with --model DIR");
    }
}
