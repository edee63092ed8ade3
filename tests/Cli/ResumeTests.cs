using VaeOnnx.Training.Checkpoints;

namespace VaeOnnx.Tests.Cli;

/// <summary>vae train --resume continues with the checkpoint's architecture, likelihood, scaling and split, whatever the defaults say.</summary>
[TestClass]
public sealed class ResumeTests
{
    private static readonly Lazy<string> Csv = new(() =>
    {
        var path = Path.Combine(RepoPaths.NewTempFolder("cli-resume-data"), "sensors.csv");
        var random = new Random(17);
        using var writer = new StreamWriter(path);
        writer.WriteLine("temperature,pressure,flow,kind");
        for (int i = 0; i < 400; i++)
        {
            double t = random.NextDouble() * 2 - 1;
            writer.WriteLine(FormattableString.Invariant($"{20 + 5 * t + random.NextDouble() * 0.1},{1000 + 30 * t},{3 * t * t + random.NextDouble() * 0.1},{(t > 0 ? "hot" : "cold")}"));
        }
        return path;
    });

    /// <summary>A Gaussian run on the CSV with settings that all differ from the command line's defaults.</summary>
    private static string[] GaussianRun(string folder, int epochs) =>
        ["train", "--data", Csv.Value, "--label-column", "kind", "--likelihood", "gaussian", "--hidden", "16,8", "--latent", "2",
         "--batch", "32", "--lr", "0.002", "--seed", "5", "--validation", "0.1", "--max-train-rows", "250", "--epochs", epochs.ToString(),
         "--threads", "1", "--iw-samples", "0", "--out", folder, "--json"];

    [TestMethod]
    public void ResumeRefusesDataThatChangedInPlace()
    {
        var root = RepoPaths.NewTempFolder("cli-resume-changed");
        var csv = Path.Combine(root, "sensors.csv");
        File.Copy(Csv.Value, csv);
        var folder = Path.Combine(root, "run");
        string[] first = ["train", "--data", csv, "--label-column", "kind", "--likelihood", "gaussian", "--hidden", "8", "--latent", "2",
            "--epochs", "1", "--threads", "1", "--iw-samples", "0", "--out", folder];
        Assert.AreEqual(0, CliRun.Invoke(first).ExitCode);
        // Same path, same row count, other values: the refitted scaling differs, so these are not the checkpoint's rows.
        var lines = File.ReadAllLines(csv);
        File.WriteAllLines(csv, [lines[0], .. lines.Skip(1).Select(l => "1" + l)]);
        var run = CliRun.Invoke("train", "--out", folder, "--resume", "--epochs", "2", "--threads", "1", "--iw-samples", "0");
        Assert.AreEqual(1, run.ExitCode, run.ToString());
        StringAssert.Contains(run.ToString(), "scaling.offset[0]");
        StringAssert.Contains(run.ToString(), "checkpoint.json");
        Assert.AreEqual(1, VaeCheckpoint.ReadInfo(folder).Epoch, "the checkpoint is left as it was");
    }

    [TestMethod]
    public void ResumeWithoutOptionsMatchesAnUninterruptedGaussianRun()
    {
        var root = RepoPaths.NewTempFolder("cli-resume");
        var straight = Path.Combine(root, "straight");
        Assert.AreEqual(0, CliRun.Invoke(GaussianRun(straight, 3)).ExitCode);

        var resumed = Path.Combine(root, "resumed");
        Assert.AreEqual(0, CliRun.Invoke(GaussianRun(resumed, 1)).ExitCode);
        // Only the folder and the new epoch total: no --data, --likelihood, --label-column, --seed or split options.
        var run = CliRun.Invoke("train", "--out", resumed, "--resume", "--epochs", "3", "--threads", "1", "--iw-samples", "0", "--json");
        Assert.AreEqual(0, run.ExitCode, run.ToString());

        var a = VaeCheckpoint.ReadInfo(straight);
        var b = VaeCheckpoint.ReadInfo(resumed);
        Assert.AreEqual(ScalingKind.Standardize, b.Scaling.Kind);
        CollectionAssert.AreEqual(a.Scaling.Offset, b.Scaling.Offset);
        Assert.AreEqual(3, b.Metrics.Count);
        Assert.AreEqual(a.Dataset.TrainRows, b.Dataset.TrainRows);
        for (int e = 0; e < 3; e++)
        {
            Assert.AreEqual(a.Metrics[e].TrainNegElbo, b.Metrics[e].TrainNegElbo, $"epoch {e + 1} train -ELBO");
            Assert.AreEqual(a.Metrics[e].ValidationNegElbo, b.Metrics[e].ValidationNegElbo, $"epoch {e + 1} validation -ELBO: same split");
            Assert.AreEqual(a.Metrics[e].TestNegElbo, b.Metrics[e].TestNegElbo, $"epoch {e + 1} test -ELBO");
        }
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(straight, a.WeightsFile)), File.ReadAllBytes(Path.Combine(resumed, b.WeightsFile)),
            "bit-identical weights on CPU with one thread");
        Assert.AreEqual(a.Evaluation!.TestNegElbo, b.Evaluation!.TestNegElbo, "the final evaluation uses the checkpoint's seed too");

        // The checkpoint's own values may be repeated, and --resume without --epochs continues to the checkpoint's total.
        var again = CliRun.Invoke([.. GaussianRun(resumed, 4), "--resume"]);
        Assert.AreEqual(0, again.ExitCode, again.ToString());
        Assert.AreEqual(4, VaeCheckpoint.ReadInfo(resumed).Metrics.Count);
        var nothingToDo = CliRun.Invoke("train", "--out", resumed, "--resume", "--iw-samples", "0", "--json");
        Assert.AreEqual(0, nothingToDo.ExitCode, nothingToDo.ToString());
        Assert.AreEqual(4, VaeCheckpoint.ReadInfo(resumed).Metrics.Count, "the checkpoint's own total (4), not the default 10");
    }

    public static IEnumerable<object[]> Contradictions() =>
    [
        ["--likelihood", "bernoulli", "gaussian"], ["--latent", "3", "2"], ["--hidden", "16", "16,8"], ["--arch", "conv", "mlp"],
        ["--activation", "tanh", "relu"], ["--gaussian-variance", "fixed", "learned"], ["--batch", "64", "32"], ["--lr", "0.001", "0.002"],
        ["--seed", "1", "5"], ["--beta", "2", "1"], ["--warmup", "1", "0"], ["--patience", "2", "0"], ["--validation", "0.2", "0.1"],
        ["--label-column", "flow", "kind"], ["--max-train-rows", "100", "250"], ["--max-test-rows", "10", "none"],
    ];

    private static readonly Lazy<string> Checkpoint = new(() =>
    {
        var folder = Path.Combine(RepoPaths.NewTempFolder("cli-resume-refuse"), "run");
        Assert.AreEqual(0, CliRun.Invoke(GaussianRun(folder, 1)).ExitCode);
        return folder;
    });

    [TestMethod]
    [DynamicData(nameof(Contradictions))]
    public void OptionsThatContradictTheCheckpointExitWithTwo(string option, string value, string checkpointValue)
    {
        var before = File.ReadAllText(Path.Combine(Checkpoint.Value, VaeCheckpoint.InfoFileName));
        var run = CliRun.Invoke("train", "--out", Checkpoint.Value, "--resume", "--epochs", "2", option, value);
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        var line = run.Error.TrimEnd('\n');
        Assert.AreEqual(1, line.Split('\n').Length, line);
        StringAssert.StartsWith(line, $"error: {option} {value} contradicts the checkpoint in {Checkpoint.Value}, which has {checkpointValue};");
        Assert.AreEqual(before, File.ReadAllText(Path.Combine(Checkpoint.Value, VaeCheckpoint.InfoFileName)), "the checkpoint is untouched");
    }

    [TestMethod]
    public void OtherDataIsRefusedWhileTheCheckpointsDataIsThere()
    {
        var other = Path.Combine(RepoPaths.NewTempFolder("cli-resume-other"), "other.csv");
        File.Copy(Csv.Value, other);
        var run = CliRun.Invoke("train", "--out", Checkpoint.Value, "--resume", "--epochs", "2", "--data", other);
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.StartsWith(run.Error, $"error: --data {other} contradicts the checkpoint in {Checkpoint.Value}, which was trained on {Csv.Value};");
    }
}
