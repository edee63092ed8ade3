using System.Globalization;
using System.Text.Json;
using VaeOnnx.Tests.Cli;

namespace VaeOnnx.Tests.Tables;

/// <summary>
/// The semantics of a table score: the threshold rule on few held-out rows, the float32 comparison, and blank cells a user
/// declares normal (<c>--blank-normal</c>).
/// </summary>
[TestClass]
public sealed class ScoreExplanationTests
{
    /// <summary>
    /// The expected order statistics of n draws from Exp(1), E s_(i) = 1/n + 1/(n - 1) + ... + 1/(n - i + 1): scores with a
    /// known tail, whose (1 - rate) quantile is ln(1 / rate).
    /// </summary>
    private static float[] ExponentialScores(int n) =>
        Enumerable.Range(1, n).Select(i => (float)Enumerable.Range(n - i + 1, i).Sum(k => 1.0 / k)).ToArray();

    [TestMethod]
    public void WithEnoughRowsTheThresholdIsTheConformalOrderStatistic()
    {
        var scores = ExponentialScores(1000).Reverse().ToArray();
        var t = AnomalyCalibration.Calibrate(scores, 0.01);
        // k = ceil(1001 * 0.99) = 991: the 991st smallest score.
        Assert.AreEqual(ExponentialScores(1000)[990], t.Score);
        Assert.AreEqual(ThresholdRule.Conformal, t.Rule);
        Assert.IsNull(t.Warning);
        Assert.AreEqual(10 / 1000.0, t.CalibrationAlarmRate, 1e-12, "10 scores at or above the 991st of 1000");
        Assert.AreEqual(99, AnomalyThreshold.RowsNeeded(0.01));
        var edge = AnomalyCalibration.Calibrate(ExponentialScores(99), 0.01);
        Assert.AreEqual(ThresholdRule.Conformal, edge.Rule, "99 rows: k = ceil(100 * 0.99) = 99, the largest, still conformal");
        Assert.AreEqual(ExponentialScores(99)[98], edge.Score);
    }

    [TestMethod]
    public void WithFewRowsTheThresholdIsATailFitAboveTheLargestScoreAndSaysHowManyRowsItHad()
    {
        foreach (int n in new[] { 20, 50, 73, 98 })
        {
            var scores = ExponentialScores(n);
            var t = AnomalyCalibration.Calibrate(scores, 0.01);
            Assert.AreEqual(ThresholdRule.TailFit, t.Rule, $"n = {n}");
            Assert.IsTrue(t.Score >= scores.Max(), $"n = {n}: {t.Score} is not below the largest score {scores.Max()}");
            Assert.AreEqual(Math.Log(100), t.Score, 0.15 * Math.Log(100), $"n = {n}: the tail fit finds Exp(1)'s 99% quantile (or the largest score, when that is higher)");
            Assert.IsTrue(t.CalibrationAlarmRate <= 1.0 / n, $"n = {n}: at most the largest held-out row is flagged");
            StringAssert.StartsWith(t.Warning, $"the anomaly threshold was calibrated on only {n} held-out rows; a false-alarm rate of 0.01 needs at least 99 ");
        }
        var two = AnomalyCalibration.Calibrate([3f, 1f], 0.01);
        Assert.AreEqual(3f, two.Score, "below 3 rows there is no tail to fit: the largest score");
        Assert.AreEqual(ThresholdRule.TailFit, two.Rule);
        Assert.ThrowsExactly<ArgumentException>(() => AnomalyCalibration.Calibrate([float.NaN], 0.01));
    }

    [TestMethod]
    public void TheThresholdIsAFloat32ComparedAtOrAboveAndWrittenAsItsShortestText()
    {
        // A score as the graphs compute it, and the neighbouring floats either side: only the score itself and above flag.
        float score = 27.706713f;
        var t = AnomalyCalibration.Calibrate([1f, 2f, score], 0.25);
        Assert.AreEqual(score, t.Score);
        Assert.IsTrue(t.IsAnomaly(score), "the row that set the threshold is flagged");
        Assert.IsFalse(t.IsAnomaly(MathF.BitDecrement(score)));
        Assert.IsFalse(t.IsAnomaly(float.NaN));
        var json = JsonSerializer.Serialize(t);
        StringAssert.Contains(json, "\"score\":27.706713,", "written as the float's shortest text, not 27.70671272277832");
        StringAssert.Contains(json, "\"rule\":\"conformal\"");
        var read = JsonSerializer.Deserialize<AnomalyThreshold>(json)!;
        Assert.AreEqual(t, read);
        // A pair exported before: a double threshold and no rule read as the nearest float, conformal.
        var old = JsonSerializer.Deserialize<AnomalyThreshold>("""{"score":27.706712067,"false_alarm_rate":0.01,"calibration_rows":120,"calibration_alarm_rate":0.008}""")!;
        Assert.AreEqual(27.706712067f, old.Score);
        Assert.AreEqual(ThresholdRule.Conformal, old.Rule);
    }

    [TestMethod]
    public void BlankNormalColumnsLeaveTheirMissingIndicatorOutOfTheScore()
    {
        var folder = RepoPaths.NewTempFolder("blank-normal");
        var data = TableFiles.Customers(folder, 400);
        string Model(string name, params string[] extra)
        {
            var (run, model) = (Path.Combine(folder, name + "-run"), Path.Combine(folder, name));
            var train = CliRun.Invoke(["train", "--data", data, "--ignore-columns", "id", "--hidden", "32", "--latent", "3", "--epochs", "10", "--batch", "64",
                "--threads", "2", "--iw-samples", "0", "--seed", "4", "--out", run, .. extra]);
            Assert.AreEqual(0, train.ExitCode, train.ToString());
            var export = CliRun.Invoke("export", "--checkpoint", run, "--out", model, "--false-alarm-rate", "0.02");
            Assert.AreEqual(0, export.ExitCode, export.ToString());
            return model;
        }
        // The same seed and the same loss: "counted" and "normal" have the same weights; "both" adds an indicator for age.
        var (counted, normal, both) = (Model("counted"), Model("normal", "--blank-normal", "amount"), Model("both", "--blank-normal", "amount,age"));
        var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(both, "model.json"))).RootElement;
        StringAssert.Contains(card.GetProperty("training_command").GetString(), "--blank-normal amount,age");
        var schema = card.GetProperty("table");
        CollectionAssert.AreEqual(new[] { "amount", "age" }, schema.GetProperty("blank_normal").EnumerateArray().Select(e => e.GetString()).ToArray());
        Assert.IsTrue(schema.GetProperty("columns")[2].GetProperty("has_missing").GetBoolean(), "age, never blank in the file, gets an indicator");

        // Row 1: a blank amount (10% of the training rows); row 2: a blank age, never blank in the file.
        var input = TableFiles.Write(folder, "rows.csv", "city,vip,age,amount,visits\nParis,yes,45,135,5\nParis,yes,45,,5\nParis,yes,,135,5\n");
        float[][] Score(string model)
        {
            var output = Path.Combine(folder, Path.GetFileName(model) + "-scores.csv");
            var run = CliRun.Invoke("score", "--model", model, "--input", input, "--output", output);
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            return File.ReadLines(output).Skip(1).Select(l => l.Split(',')).Select(c => c.Where((_, i) => i != 3).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        }
        var (withIndicator, without) = (Score(counted), Score(normal));
        const int Amount = 3 + 3, Age = 3 + 2; // score, recon, kl, then city, vip, age, amount, visits
        Assert.IsTrue(withIndicator[1][Amount] > 0.1, $"by default a blank amount costs its indicator: {withIndicator[1][Amount]}");
        Assert.AreEqual(0f, without[1][Amount], "declared normal: the blank amount costs nothing, and so takes no share of the KL");
        Assert.IsTrue(without[1][0] < withIndicator[1][0] - 0.1, $"and the row scores lower: {without[1][0]} against {withIndicator[1][0]}");
        // The same weights: the two scores of the blank-amount row differ by the indicator's term.
        double indicator = withIndicator[1][0] - without[1][0];
        Assert.AreEqual(withIndicator[1][2], without[1][2], 1e-5, "the same encoder: the same KL");
        Assert.IsTrue(indicator > withIndicator[0][0] - without[0][0], "a blank is rarer than a value, so its indicator costs more than a present value's");
        Assert.AreEqual(0f, Score(both)[2][Age], "a blank age, declared normal, is not an unknown value");
        Assert.IsTrue(withIndicator[2][Age] >= withIndicator[2].Skip(3).Where((_, j) => j != 2).Max(), "undeclared, a blank where training had none is unknown: the top column");

        var wrong = CliRun.Invoke("train", "--data", data, "--blank-normal", "spend", "--epochs", "1", "--out", Path.Combine(folder, "wrong"));
        Assert.AreEqual(1, wrong.ExitCode, wrong.ToString());
        StringAssert.Contains(wrong.Error, "--blank-normal: no column 'spend'; the columns are id, city, vip, age, amount, visits");
    }
}
