using System.Globalization;
using System.Text.RegularExpressions;
using VaeOnnx.Cli.Console;
using VaeOnnx.Tests.Tables;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Cli;

/// <summary>The epoch lines <c>vae train</c> logs when its output is redirected (as under the tests): sampled, first and last kept.</summary>
[TestClass]
public sealed class TrainEpochLinesTests
{
    /// <summary>A model small enough that an epoch over 150-200 rows takes milliseconds.</summary>
    internal static readonly string[] TinyModel = ["--ignore-columns", "id", "--hidden", "8", "--latent", "2", "--batch", "64", "--threads", "1", "--iw-samples", "0"];

    [TestMethod]
    public void AThirtyEpochRunLogsEveryThirdEpochWithTheFirstAndTheLast()
    {
        var folder = RepoPaths.NewTempFolder("train-lines");
        var data = TableFiles.Customers(folder, rows: 150);
        var run = CliRun.Invoke(["train", "--data", data, .. TinyModel, "--epochs", "30", "--out", Path.Combine(folder, "run")]);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var epochs = EpochsLogged(run.Output);
        CollectionAssert.AreEqual(new[] { 1, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30 }, epochs, run.Output);
        StringAssert.Contains(run.Output, "[30/30]");
    }

    [TestMethod]
    public void EarlyStoppingLogsTheStopAndTheBestEpochItKeeps()
    {
        var folder = RepoPaths.NewTempFolder("train-early");
        var data = TableFiles.Customers(folder, rows: 150);
        var checkpoint = Path.Combine(folder, "run");
        var run = CliRun.Invoke(["train", "--data", data, .. TinyModel, "--lr", "0.02", "--patience", "1", "--epochs", "200", "--out", checkpoint]);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var info = VaeCheckpoint.ReadInfo(checkpoint);
        Assert.AreEqual(StopReason.EarlyStopping, info.StopReason, run.Output);
        int best = info.BestEpoch!.Value, stop = info.Metrics.Count;
        StringAssert.Contains(run.Output, $"early stopping after epoch {stop}: validation -ELBO has not improved since epoch {best}, whose weights are kept");
        var epochs = EpochsLogged(run.Output);
        Assert.IsTrue(epochs.Contains(best) && epochs.Contains(stop) && epochs[0] == 1, run.Output);
        Assert.IsTrue(epochs.Count < stop, $"{epochs.Count} lines for {stop} epochs: sampled");
    }

    [TestMethod]
    public void ThreeHundredEpochsMakeTwentySixLines()
    {
        Assert.AreEqual(1, EpochLines.Interval(10));
        Assert.AreEqual(12, EpochLines.Interval(300));
        var log = new StringWriter();
        var lines = new EpochLines(log);
        for (int epoch = 1; epoch <= 300; epoch++)
            lines.Report(new TrainingProgress(epoch, 300, 4, 4, 1, 100, TimeSpan.Zero, new EpochMetrics { Epoch = epoch }));
        var epochs = EpochsLogged(log.ToString());
        Assert.AreEqual(26, epochs.Count, log.ToString());
        Assert.AreEqual(1, epochs[0]);
        Assert.AreEqual(300, epochs[^1]);
    }

    private static List<int> EpochsLogged(string text) =>
        Regex.Matches(text, @"^epoch (\d+):", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
}
