using System.Text.Json;
using VaeOnnx.Tests.Data;
using VaeOnnx.Training.Checkpoints;

namespace VaeOnnx.Tests.Cli;

/// <summary>vae train / eval on real Fashion-MNIST images (the shipped sample), through the command line.</summary>
[TestClass]
public sealed class TrainAndEvalCommandTests
{
    [TestMethod]
    public void TrainPrintsTheFinalFiguresAsJsonAndEvalReproducesThem()
    {
        var folder = Path.Combine(RepoPaths.NewTempFolder("cli-train"), "run");
        var run = CliRun.Invoke("train", "--data", ShippedSampleTests.Folder, "--epochs", "2", "--hidden", "200", "--latent", "8",
            "--threads", "2", "--iw-samples", "50", "--iw-rows", "200", "--out", folder, "--json");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        foreach (var key in new[] { "test_neg_elbo", "test_recon", "test_kl", "iw_log_px", "samples_per_s" })
            Assert.IsTrue(root.TryGetProperty(key, out var value) && double.IsFinite(value.GetDouble()), $"{key} in {run.Output}");
        double negElbo = root.GetProperty("test_neg_elbo").GetDouble();
        Assert.AreEqual(negElbo, root.GetProperty("test_recon").GetDouble() + root.GetProperty("test_kl").GetDouble(), 1e-6);
        // A bound on log p(x): the IWAE estimate lies above the ELBO (here with K=50, on the first 200 rows).
        Assert.IsTrue(-root.GetProperty("iw_log_px").GetDouble() < negElbo + 5, run.Output);
        StringAssert.Contains(run.Error, "epoch 2:", "progress lines go to stderr with --json");

        var info = VaeCheckpoint.ReadInfo(folder);
        Assert.AreEqual(2, info.Metrics.Count);
        Assert.IsTrue(info.Metrics[1].TestNegElbo < info.Metrics[0].TestNegElbo, "the ELBO improves from epoch 1 to 2 on real images");
        Assert.AreEqual(negElbo, info.Evaluation!.TestNegElbo, 1e-9);

        var eval = CliRun.Invoke("eval", "--checkpoint", folder, "--iw-samples", "0", "--json");
        Assert.AreEqual(0, eval.ExitCode, eval.ToString());
        using var evalJson = JsonDocument.Parse(eval.Output);
        Assert.AreEqual(negElbo, evalJson.RootElement.GetProperty("test_neg_elbo").GetDouble(), 1e-9, "same eval seed, same figure");

        var resumed = CliRun.Invoke("train", "--data", ShippedSampleTests.Folder, "--epochs", "3", "--threads", "2", "--iw-samples", "0",
            "--out", folder, "--resume", "--json");
        Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
        Assert.AreEqual(3, VaeCheckpoint.ReadInfo(folder).Metrics.Count);

        var again = CliRun.Invoke("train", "--data", ShippedSampleTests.Folder, "--epochs", "1", "--out", folder);
        Assert.AreEqual(1, again.ExitCode, again.ToString());
        StringAssert.Contains(again.Error, "--resume");
    }

    [TestMethod]
    public void TheTrainingCommandInModelJsonReproducesTheWeights()
    {
        var root = RepoPaths.NewTempFolder("cli-reproduce");
        var first = Path.Combine(root, "first");
        var train = CliRun.Invoke("train", "--data", ShippedSampleTests.Folder, "--epochs", "4", "--hidden", "24", "--latent", "3",
            "--activation", "tanh", "--beta", "0.5", "--warmup", "1", "--batch", "32", "--lr", "0.002", "--seed", "9", "--threads", "1",
            "--patience", "2", "--validation", "0.2", "--max-train-rows", "400", "--max-test-rows", "80", "--iw-samples", "0", "--out", first);
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        var model = Path.Combine(root, "model");
        Assert.AreEqual(0, CliRun.Invoke("export", "--checkpoint", first, "--out", model).ExitCode);
        var card = JsonSerializer.Deserialize<VaeOnnx.Contract.ModelCard>(File.ReadAllText(Path.Combine(model, "model.json")))!;

        var command = card.TrainingCommand!.Split(' ');
        Assert.AreEqual("vae", command[0]);
        var second = Path.Combine(root, "second");
        var again = CliRun.Invoke([.. command[1..], "--iw-samples", "0", "--out", second]);
        Assert.AreEqual(0, again.ExitCode, again.ToString());
        var (a, b) = (VaeCheckpoint.ReadInfo(first), VaeCheckpoint.ReadInfo(second));
        Assert.AreEqual(JsonSerializer.Serialize(a.Training), JsonSerializer.Serialize(b.Training), card.TrainingCommand);
        Assert.AreEqual(JsonSerializer.Serialize(a.Architecture), JsonSerializer.Serialize(b.Architecture), card.TrainingCommand);
        Assert.AreEqual(JsonSerializer.Serialize(a.Dataset), JsonSerializer.Serialize(b.Dataset), card.TrainingCommand);
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(first, a.WeightsFile)), File.ReadAllBytes(Path.Combine(second, b.WeightsFile)),
            "one thread on CPU: the same command gives bit-identical weights");
    }

    [TestMethod]
    public void CsvDataTrainsAGaussianModel()
    {
        // A folder with a space and a quote: the training command in model.json must quote the path as one shell word.
        var path = Path.Combine(RepoPaths.NewTempFolder("cli-csv"), "plant's data", "sensors.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(11);
        using (var writer = new StreamWriter(path))
        {
            writer.WriteLine("temperature,pressure,flow,kind");
            for (int i = 0; i < 600; i++)
            {
                double t = random.NextDouble() * 2 - 1;
                writer.WriteLine(FormattableString.Invariant($"{20 + 5 * t + random.NextDouble() * 0.1},{1000 + 30 * t},{3 * t * t + random.NextDouble() * 0.1},{(t > 0 ? "hot" : "cold")}"));
            }
        }
        var folder = Path.Combine(Path.GetDirectoryName(path)!, "run");
        var run = CliRun.Invoke("train", "--data", path, "--label-column", "kind", "--likelihood", "gaussian", "--hidden", "16",
            "--latent", "2", "--epochs", "5", "--batch", "32", "--iw-samples", "20", "--out", folder, "--json");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var info = VaeCheckpoint.ReadInfo(folder);
        Assert.AreEqual(ScalingKind.Standardize, info.Scaling.Kind);
        CollectionAssert.AreEqual(new[] { "temperature", "pressure", "flow" }, info.Dataset.FeatureNames!.ToArray());
        CollectionAssert.AreEqual(new[] { "hot", "cold" }.Order().ToArray(), info.Dataset.ClassNames!.Order().ToArray());
        Assert.AreEqual(120, info.Dataset.TestRows);
        Assert.IsTrue(info.Metrics[^1].TestNegElbo < info.Metrics[0].TestNegElbo, "Gaussian ELBO improves");

        var model = Path.Combine(Path.GetDirectoryName(path)!, "model");
        Assert.AreEqual(0, CliRun.Invoke("export", "--checkpoint", folder, "--out", model).ExitCode);
        var card = JsonSerializer.Deserialize<VaeOnnx.Contract.ModelCard>(File.ReadAllText(Path.Combine(model, "model.json")))!;
        StringAssert.StartsWith(card.TrainingCommand, $"vae train --data '{path.Replace("'", "'\\''")}' --arch mlp");
        StringAssert.Contains(card.TrainingCommand, "--likelihood gaussian --gaussian-variance learned");
        StringAssert.EndsWith(card.TrainingCommand, "--label-column kind");
    }
}
