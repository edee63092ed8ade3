using System.Text.Json;
using VaeOnnx.Tests.Cli;

namespace VaeOnnx.Tests.Tables;

[TestClass]
public sealed class TableCommandTests
{
    [TestMethod]
    public void TrainExportScoreSynthesizeAndReportATableFromTheCommandLine()
    {
        var folder = RepoPaths.NewTempFolder("table-cli");
        var data = TableFiles.Customers(folder, 400);
        var (run, model) = (Path.Combine(folder, "run"), Path.Combine(folder, "model"));
        var train = CliRun.Invoke("train", "--data", data, "--ignore-columns", "id", "--column-types", "visits:integer", "--hidden", "32", "--latent", "3",
            "--epochs", "15", "--batch", "64", "--threads", "2", "--iw-samples", "0", "--out", run);
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        var export = CliRun.Invoke("export", "--checkpoint", run, "--out", model, "--false-alarm-rate", "0.02");
        Assert.AreEqual(0, export.ExitCode, export.ToString());
        StringAssert.Contains(export.Output, "anomaly threshold");
        var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "model.json"))).RootElement;
        StringAssert.Contains(card.GetProperty("training_command").GetString(), "--column-types city:categorical,vip:boolean,age:numeric,amount:numeric,visits:integer");

        var scores = Path.Combine(folder, "scores.csv");
        var score = CliRun.Invoke("score", "--model", model, "--input", data, "--output", scores);
        Assert.AreEqual(0, score.ExitCode, score.ToString());
        var lines = File.ReadAllLines(scores);
        Assert.AreEqual("score,recon,kl,is_anomaly,contrib.city,contrib.vip,contrib.age,contrib.amount,contrib.visits", lines[0]);
        Assert.AreEqual(401, lines.Length);

        var synthetic = Path.Combine(folder, "synthetic.csv");
        var synthesize = CliRun.Invoke("synthesize", "--model", model, "--count", "50", "--seed", "3", "--output", synthetic);
        Assert.AreEqual(0, synthesize.ExitCode, synthesize.ToString());
        Assert.AreEqual("city,vip,age,amount,visits", File.ReadLines(synthetic).First());
        Assert.AreEqual(51, File.ReadAllLines(synthetic).Length);

        var report = Path.Combine(folder, "report");
        var made = CliRun.Invoke("report", "--model", model, "--data", data, "--out", report, "--json");
        Assert.AreEqual(0, made.ExitCode, made.ToString());
        var quality = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "quality.json"))).RootElement;
        double overall = quality.GetProperty("overall").GetDouble();
        Assert.IsTrue(overall is > 0.5 and <= 1, $"overall {overall}");
        Assert.IsTrue(File.Exists(Path.Combine(report, "hist-amount.png")));
        StringAssert.Contains(File.ReadAllText(Path.Combine(report, "report.md")), "## Most unusual rows");

        var wrong = CliRun.Invoke("encode", "--model", model, "--input", data, "--output", Path.Combine(folder, "codes.csv"));
        Assert.AreEqual(2, wrong.ExitCode, wrong.ToString());
        StringAssert.Contains(wrong.Error, "is a table model; score its rows with vae score");
        var bad = TableFiles.Write(folder, "bad.csv", "city,vip,age,amount,visits\nRome,no,31,abc,2\n");
        var refused = CliRun.Invoke("score", "--model", model, "--input", bad, "--output", Path.Combine(folder, "bad-scores.csv"));
        Assert.AreEqual(1, refused.ExitCode, refused.ToString());
        StringAssert.Contains(refused.Error, "line 2, column 'amount': 'abc' is not a number; expected numeric values");
        Assert.IsFalse(File.Exists(Path.Combine(folder, "bad-scores.csv")), "nothing half-written");
    }

    [TestMethod]
    public void TheTableDemoRunsEndToEndOnATableItIsGiven()
    {
        var folder = RepoPaths.NewTempFolder("table-demo");
        var data = TableFiles.Customers(folder, 300);
        var id = File.ReadAllLines(data).Select(l => l[(l.IndexOf(',') + 1)..]);
        File.WriteAllLines(data, id);  // the demo infers every column, so the id column goes
        var output = Path.Combine(folder, "demo");
        var demo = CliRun.Invoke("demo", "--table", "--data", data, "--epochs", "8", "--threads", "2", "--out", output);
        Assert.AreEqual(0, demo.ExitCode, demo.ToString());
        StringAssert.Contains(demo.Output, "columns: city (categorical), vip (boolean), age (numeric), amount (numeric, blanks), visits (integer)");
        StringAssert.Contains(demo.Output, "synthetic quality: overall");
        foreach (var file in new[] { "model/encoder.onnx", "model/decoder.onnx", "model/model.json", "scores.csv", "report/report.md", "report/quality.json", "report/hist-city.png" })
            Assert.IsTrue(File.Exists(Path.Combine(output, file)), file);
        Assert.AreEqual(301, File.ReadAllLines(Path.Combine(output, "scores.csv")).Length);
        var quality = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report", "quality.json"))).RootElement;
        Assert.IsTrue(quality.GetProperty("overall").GetDouble() is > 0.5 and <= 1);
        Assert.IsTrue(quality.GetProperty("threshold").GetDouble() > 0);
    }

    [TestMethod]
    public void QualityMetricsFollowTheSdMetricsDefinitions()
    {
        Assert.AreEqual(0.5, VaeOnnx.Cli.Report.QualityMetrics.KolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6]), 1e-12);
        Assert.AreEqual(0.0, VaeOnnx.Cli.Report.QualityMetrics.KolmogorovSmirnov([1, 2, 3], [3, 2, 1]), 1e-12);
        Assert.AreEqual(0.5, VaeOnnx.Cli.Report.QualityMetrics.TotalVariation(["a", "a", "b", "b"], ["a", "a", "a", "a"]), 1e-12);
        Assert.AreEqual(1.0, VaeOnnx.Cli.Report.QualityMetrics.TotalVariation(["a"], ["b"]), 1e-12);
    }

    [TestMethod]
    public void ATableModelRefusesAFlow()
    {
        var folder = RepoPaths.NewTempFolder("table-family");
        var data = TableFiles.Customers(folder, 50);
        var train = CliRun.Invoke("train", "--data", data, "--posterior", "iaf", "--epochs", "1", "--out", Path.Combine(folder, "run"));
        Assert.AreNotEqual(0, train.ExitCode, train.ToString());
        StringAssert.Contains(train.Error, "table models have no --posterior iaf");
        Assert.IsFalse(Directory.Exists(Path.Combine(folder, "run")), "nothing is trained");
        var flow = new VaeArchitecture { InputShape = [4], Hidden = [8], LatentDim = 2, Likelihood = Likelihood.Mixed, Posterior = PosteriorKind.Iaf, FlowSteps = 1, FlowHidden = 8 };
        var e = Assert.ThrowsExactly<ArgumentException>(() => flow.Validate("options"));
        StringAssert.Contains(e.Message, "architecture field 'posterior'");
    }
}
