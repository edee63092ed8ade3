using System.Diagnostics;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Data;
using VaeOnnx.Training.Checkpoints;

namespace VaeOnnx.Tests.Reliability;

/// <summary>kill -9 at random moments while vae writes checkpoints and model folders: what was there before stays loadable.</summary>
[TestClass]
public sealed class KillTests
{
    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vae.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void KillAfter(Process process, int milliseconds)
    {
        process.WaitForExit(milliseconds);
        if (!process.HasExited) process.Kill(); // SIGKILL: no handler runs
        process.WaitForExit();
        process.Dispose();
    }

    [TestMethod]
    public void KilledTrainingKeepsTheLastCheckpointLoadable()
    {
        var folder = Path.Combine(RepoPaths.NewTempFolder("kill-train"), "run");
        var random = new Random(17);
        int loadedAfterKill = 0;
        for (int round = 0; round < 10; round++)
        {
            bool resume = VaeCheckpoint.Exists(folder);
            string[] args = ["train", "--data", ShippedSampleTests.Folder, "--max-train-rows", "600", "--max-test-rows", "100", "--epochs", "100000",
                "--hidden", "32", "--latent", "3", "--threads", "1", "--iw-samples", "0", "--out", folder];
            KillAfter(Start(resume ? [.. args, "--resume"] : args), 900 + random.Next(1500));
            if (!VaeCheckpoint.Exists(folder)) continue;
            var (info, model) = VaeCheckpoint.Load(folder);
            model.Dispose();
            Assert.IsTrue(info.Epoch > 0 || info.Step > 0);
            loadedAfterKill++;
        }
        Assert.IsTrue(loadedAfterKill >= 8, $"only {loadedAfterKill} kills happened after a first checkpoint");
    }

    [TestMethod]
    public void KilledExportLeavesTheOldOrTheNewPair()
    {
        var root = RepoPaths.NewTempFolder("kill-export");
        var checkpoint = Path.Combine(root, "run");
        Assert.AreEqual(0, VaeOnnx.Tests.Cli.CliRun.Invoke("train", "--data", ShippedSampleTests.Folder, "--max-train-rows", "500", "--max-test-rows", "100",
            "--epochs", "1", "--hidden", "32", "--latent", "3", "--iw-samples", "0", "--out", checkpoint).ExitCode);
        var target = Path.Combine(root, "model");
        Assert.AreEqual(0, VaeOnnx.Tests.Cli.CliRun.Invoke("export", "--checkpoint", checkpoint, "--out", target).ExitCode);
        string[] export = ["export", "--checkpoint", checkpoint, "--out", target, "--force", "--parity-rows", "64"];
        // The kills land between 30% and 150% of one whole export's time on this machine now: a fixed window in
        // milliseconds misses every completed export when the machine is busy and the process takes seconds to start.
        var clock = Stopwatch.StartNew();
        KillAfter(Start(export), int.MaxValue);
        int whole = (int)clock.ElapsedMilliseconds;
        var random = new Random(23);
        var seen = new HashSet<string> { VaeModel.Load(target).PairId };
        for (int round = 0; round < 12; round++)
        {
            KillAfter(Start(export), (int)(whole * (0.3 + 1.2 * random.NextDouble())));
            var model = VaeModel.Load(target);
            seen.Add(model.PairId);
            CollectionAssert.AreEquivalent(new[] { "decoder.onnx", "encoder.onnx", "model.json" },
                Directory.GetFiles(target).Select(Path.GetFileName).ToArray(), "the model folder holds one whole pair");
        }
        Assert.IsTrue(seen.Count > 1, "some exports completed between kills");
    }
}
