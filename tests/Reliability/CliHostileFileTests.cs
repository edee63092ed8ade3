using System.Diagnostics;
using VaeOnnx.Tests.Data;
using VaeOnnx.Tests.Inference;

namespace VaeOnnx.Tests.Reliability;

/// <summary>The vae process on damaged files: exit code 1 or 2 and one clear error line, never a crash, a dump or a hang.</summary>
[TestClass]
public sealed class CliHostileFileTests
{
    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vae.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"vae {string.Join(" ", args)} did not finish within 60 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [TestMethod]
    public void DamagedModelsAndDataGiveOneErrorLine()
    {
        var root = RepoPaths.NewTempFolder("cli-hostile");
        var model = Path.Combine(root, "model");
        Directory.CreateDirectory(model);
        var encoder = File.ReadAllBytes(Path.Combine(ModelPairs.Tabular, "encoder.onnx"));
        File.Copy(Path.Combine(ModelPairs.Tabular, "decoder.onnx"), Path.Combine(model, "decoder.onnx"));
        var images = IdxFiles.Gzip(IdxFiles.Bytes(8, [10, 28, 28], new byte[7840]));
        var imagePath = Path.Combine(root, "images.gz");
        var csv = Path.Combine(root, "rows.csv");
        File.WriteAllText(csv, "a,b,c,d,e\n1,2,3,4,5\n");
        int runs = 0;
        SeededCases.Check(Corruption.Gen, corruption =>
        {
            File.WriteAllBytes(Path.Combine(model, "encoder.onnx"), corruption.Apply(encoder));
            File.WriteAllBytes(imagePath, corruption.Apply(images));
            foreach (var args in new[]
            {
                new[] { "inspect", "--model", Path.Combine(model, "encoder.onnx") },
                ["score", "--model", model, "--input", csv, "--output", Path.Combine(root, "out.csv")],
                ["reconstruct", "--model", ModelPairs.Image, "--input", imagePath, "--output", Path.Combine(root, "out2.csv")],
            })
            {
                var (code, _, stderr) = Run(args);
                runs++;
                if (code == 0) continue; // the damage left a valid file
                Assert.IsTrue(code is 1 or 2, $"exit {code} for {corruption}: {stderr}");
                var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("[W:onnxruntime")).ToArray();
                Assert.AreEqual(1, lines.Length, $"one error line for {corruption}: {stderr}");
                StringAssert.StartsWith(lines[0], "error: ");
                Assert.IsFalse(stderr.Contains("   at "), $"no stack trace: {stderr}");
            }
        }, iterations: 12, shrinkIterations: 10);
        Assert.AreEqual(36, runs);
    }
}
