using VaeOnnx.Tests.Data;
using VaeOnnx.Tests.Cli;
using VaeOnnx.Training.Threading;

namespace VaeOnnx.Tests.Training;

/// <summary>
/// The contention options of vae train: --threads auto (the cores idle now, from /proc/stat) and --omp-passive
/// (OMP_WAIT_POLICY set before LibTorch's OpenMP runtime loads, never over the user's own value).
/// </summary>
[TestClass]
public sealed class ContentionTests
{
    [TestMethod]
    [DataRow(2, 0.97, 2)]
    [DataRow(2, 0.75, 2)]
    [DataRow(2, 0.5, 1)]
    [DataRow(2, 0.02, 1)]
    [DataRow(8, 0.74, 6)]
    [DataRow(1, 0.0, 1)]
    public void AutoThreadsTakesTheIdleCoresRoundedAndAtLeastOne(int cores, double idleShare, int expected) =>
        Assert.AreEqual(expected, AutoThreads.Choose(cores, idleShare));

    [TestMethod]
    public void AutoThreadsTakesAllCoresWhenTheIdleShareIsUnknown() =>
        Assert.AreEqual(4, AutoThreads.Choose(4, null));

    [TestMethod]
    public void ProcStatAggregateLineGivesIdlePlusIowaitAndTheTotalWithoutGuestTime()
    {
        var parsed = CpuIdleShare.Parse("cpu  4705 356 584 3699 23 0 36 0 100 7");
        Assert.AreEqual((3699.0 + 23, 4705.0 + 356 + 584 + 3699 + 23 + 0 + 36 + 0), parsed);
        Assert.IsNull(CpuIdleShare.Parse("cpu0 4705 356 584 3699 23 0 36 0 0 0"), "a single core's line is not the aggregate");
        Assert.IsNull(CpuIdleShare.Parse("intr 1 2 3"));
    }

    [TestMethod]
    public void IdleShareIsMeasuredOnLinuxAsAShare()
    {
        var share = CpuIdleShare.Measure(TimeSpan.FromMilliseconds(100));
        Assert.IsNotNull(share, "/proc/stat is readable on Linux");
        Assert.IsTrue(share is >= 0 and <= 1, $"idle share {share}");
    }

    [TestMethod]
    public void PassiveWaitingIsSetOnlyBeforeAnOpenMpRuntimeLoadsAndNeverOverTheUsersValue()
    {
        var set = new List<string>();
        int Set(string value) { set.Add(value); return 0; }
        string[] before = ["/usr/lib/x86_64-linux-gnu/libc.so.6", "/opt/app/libLibTorchSharp.so"];
        string[] after = [.. before, "/opt/app/runtimes/linux-x64/native/libgomp-98b21ff3.so.1"];

        Assert.AreEqual("--omp-passive: OMP_WAIT_POLICY is set to 'ACTIVE' in the environment; left as it is.",
            OpenMpWaiting.PreferPassive("ACTIVE", before, Set));
        Assert.AreEqual("--omp-passive: the OpenMP runtime libgomp-98b21ff3.so.1 has loaded already and will not read OMP_WAIT_POLICY; set OMP_WAIT_POLICY=PASSIVE in the environment instead.",
            OpenMpWaiting.PreferPassive(null, after, Set));
        Assert.AreEqual(0, set.Count, "nothing was set so far");
        Assert.IsNull(OpenMpWaiting.PreferPassive(null, before, Set));
        CollectionAssert.AreEqual(new[] { "PASSIVE" }, set);
    }

    [TestMethod]
    public void TrainWithThreadsAutoSaysWhatItChoseAndTrains()
    {
        var folder = RepoPaths.NewTempFolder("threads-auto");
        var run = CliRun.Invoke("train", "--data", ShippedSampleTests.Folder, "--epochs", "1", "--hidden", "32", "--latent", "2",
            "--max-train-rows", "256", "--max-test-rows", "64", "--iw-samples", "0", "--threads", "auto", "--out", folder);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var line = run.Output.Split('\n').Single(l => l.StartsWith("threads: auto chose ", StringComparison.Ordinal));
        int chosen = int.Parse(line["threads: auto chose ".Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsTrue(chosen >= 1 && chosen <= Environment.ProcessorCount, line);
        StringAssert.EndsWith(line.TrimEnd(), $"of {Environment.ProcessorCount} cores (the share idle over 300 ms)");
    }

    [TestMethod]
    public void ThreadsThatAreNeitherANumberNorAutoAreAUsageError()
    {
        var run = CliRun.Invoke("train", "--threads", "many");
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, "--threads: expected a whole number or 'auto', got 'many'");
    }
}
