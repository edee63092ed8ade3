using System.Diagnostics;
using VaeOnnx.Tests.Data;
using VaeOnnx.Training.Checkpoints;

namespace VaeOnnx.Tests.Cli;

/// <summary>Ctrl-C during vae train, sent as a real SIGINT to a child process.</summary>
[TestClass]
public sealed class InterruptTests
{
    private static Process Start(params string[] args)
    {
        // A test run started in the background of a non-interactive shell inherits SIGINT as ignored, and .NET keeps an
        // ignored SIGINT ignored; coreutils' env restores the default so that the child sees the Ctrl-C a user would send.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vae.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    private static string[] TrainArgs(string folder, int epochs) =>
        ["train", "--data", ShippedSampleTests.Folder, "--epochs", epochs.ToString(), "--hidden", "64", "--latent", "4", "--threads", "1",
         "--iw-samples", "0", "--out", folder];

    [TestMethod]
    public void SigintWritesACheckpointExits130AndResumeMatchesAnUninterruptedRun()
    {
        var root = RepoPaths.NewTempFolder("sigint");
        var interrupted = Path.Combine(root, "interrupted");
        using (var child = Start(TrainArgs(interrupted, 400)))
        {
            var stderr = child.StandardError.ReadToEndAsync();
            // Wait for the first epoch's checkpoint, then interrupt in the middle of a later epoch.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!VaeCheckpoint.Exists(interrupted) && DateTime.UtcNow < deadline && !child.HasExited) Thread.Sleep(20);
            Assert.IsFalse(child.HasExited, "training ended before it could be interrupted");
            Thread.Sleep(150);
            using (var kill = Process.Start("kill", ["-INT", child.Id.ToString()])) kill.WaitForExit();
            Assert.IsTrue(child.WaitForExit(60_000), "the child stopped after SIGINT");
            child.StandardOutput.ReadToEnd();
            Assert.AreEqual(130, child.ExitCode, stderr.Result);
            var lines = stderr.Result.Trim().Split('\n');
            Assert.AreEqual(1, lines.Length, stderr.Result);
            StringAssert.Contains(lines[0], "--resume");
        }
        var info = VaeCheckpoint.ReadInfo(interrupted);
        Assert.AreEqual(StopReason.Interrupted, info.StopReason);
        int stoppedAt = info.Epoch;

        // Resume to a few epochs past the interruption and compare with a run that was never interrupted.
        int epochs = stoppedAt + 2;
        var resumed = CliRun.Invoke([.. TrainArgs(interrupted, epochs), "--resume"]);
        Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
        var straight = Path.Combine(root, "straight");
        Assert.AreEqual(0, CliRun.Invoke(TrainArgs(straight, epochs)).ExitCode);
        var a = VaeCheckpoint.ReadInfo(interrupted);
        var b = VaeCheckpoint.ReadInfo(straight);
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(straight, b.WeightsFile)), File.ReadAllBytes(Path.Combine(interrupted, a.WeightsFile)),
            "bit-identical weights on CPU with a fixed thread count");
        Assert.AreEqual(b.Metrics[^1].TestNegElbo, a.Metrics[^1].TestNegElbo);
    }
}
