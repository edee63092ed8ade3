using System.Diagnostics;

namespace VaeOnnx.Tests.Export;

/// <summary>
/// The official ONNX checker (Debian's python3-onnx, under /usr/bin/python3) run on a file with full_check. A missing
/// checker fails the test that asks for it: CI installs python3-onnx, so a silent pass would hide a broken set-up.
/// </summary>
internal static class OnnxChecker
{
    public const string Python = "/usr/bin/python3";

    public static void AssertValid(string path)
    {
        var (code, output) = RunPython("import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('ok')", path);
        Assert.AreEqual(0, code, $"onnx.checker rejected {path}:\n{output}");
    }

    public static (int Code, string Output) RunPython(string script, params string[] args)
    {
        if (!File.Exists(Python)) Assert.Fail($"{Python} not found: install Debian's python3-onnx (.ci/run does) to run the official ONNX checker");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var output = stdout.Result + stderr;
        if (output.Contains("No module named 'onnx'")) Assert.Fail("python3-onnx is not installed: the official ONNX checker is required (.ci/run installs it)");
        return (process.ExitCode, output);
    }
}
