using TorchSharp;
using VaeOnnx.Export;
using VaeOnnx.Tests.Data;
using VaeOnnx.Tests.Training;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Export;

/// <summary>Parity of exported pairs where it is hardest: raw values near 1000, and trained MLP and conv models at several batch sizes.</summary>
[TestClass]
public sealed class ExportParityTests
{
    [TestMethod]
    [DataRow(0.5f, 1e-5)]
    [DataRow(-1f, 1e-5)]
    [DataRow(-30f, 3e-4)]
    [DataRow(12.5f, 1.25e-4)]
    public void ATablePairsDecoderOutputsAreHeldTo1e5RelativeBeyondMagnitudeOne(float expected, double allowance)
    {
        // The logits of a rare category reach tens: a 1,000,000-row customers model's differed by 1.14e-5 at about 10.
        Assert.AreEqual(allowance, VaeOnnx.Export.Tables.TableParityCheck.DecoderAllowance(expected), 1e-12);
    }

    [TestMethod]
    public void GaussianModelOnReadingsNearOneThousandPassesParity()
    {
        // Air pressure in hPa and three other sensors reading near 1000: one float32 ulp there is 6.1e-5, six times the
        // tolerance, so the reference must round exactly where the graph rounds (after Div, then after Add).
        var arch = new VaeArchitecture { InputShape = [4], Hidden = [16], LatentDim = 2, Likelihood = Likelihood.Gaussian };
        var random = new Random(17);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var raw = new float[300 * 4];
        for (int r = 0; r < 300; r++)
        {
            raw[r * 4] = (float)(1013.25 + 12 * Normal());
            raw[r * 4 + 1] = (float)(1000 + 3 * Normal());
            raw[r * 4 + 2] = (float)(980 + 20 * Normal());
            raw[r * 4 + 3] = (float)(1050 + 0.5 * Normal());
        }
        var scaling = DatasetScaling.Fit(new VaeDataset("hPa", raw, 300, 4), ScalingKind.Standardize);
        var d = VaeOnnxExporterTests.Describe(scaling, ["pressure_hpa", "b", "c", "d"]);
        manual_seed(9);
        using var model = new VariationalAutoencoder(arch);
        using (no_grad()) model.decoder_logvar.copy_(linspace(-2, 1, 4));

        var folder = Path.Combine(RepoPaths.NewTempFolder("hpa"), "model");
        var result = VaeOnnxExporter.Export(model, d, folder, parityRows: raw);
        Assert.AreEqual(300, result.ParityRows);
        // Raw x_hat values differ by at most a couple of ulps at 1000 (1.2e-4), the network by less than 1e-5.
        Assert.IsTrue(result.EncoderMaxAbsDiff <= 1e-5 && result.DecoderMaxAbsDiff <= 1.3e-4, $"{result.EncoderMaxAbsDiff} {result.DecoderMaxAbsDiff}");
        foreach (int rows in new[] { 1, 7, 300 })
            Assert.IsTrue(VaeOnnxExporterTests.MaxDifference(model, d, folder, raw[..(rows * 4)]) <= 1e-5, $"batch {rows}");
        Assert.AreEqual(1e-5 / scaling.Scale[2] + 2 * (MathF.BitIncrement(1000f) - 1000f), ParityCheck.DecoderAllowance(0f, scaling.Scale[2], 1000f), 1e-12,
            "feature c (standard deviation about 20): 1e-5 of the scaled space is about 2e-4 raw, plus two ulps of 1000");
        Assert.AreEqual(1e-5 + 2 * (MathF.BitIncrement(0.75f) - 0.75f), ParityCheck.DecoderAllowance(0.75f, 1f, 0f), 1e-15,
            "unscaled probabilities keep the flat 1e-5 (plus 1.2e-7)");

        // The case is one where rounding once in double disagrees with ONNX Runtime's float32 arithmetic.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        var scaled = raw.Select((v, i) => (v - scaling.Offset[i % 4]) * scaling.Scale[i % 4]).ToArray();
        var (mu, _) = model.encoder.forward(tensor(scaled, [300, 4]));
        var y = model.decoder.forward(mu).data<float>().ToArray();
        int disagreements = Enumerable.Range(0, y.Length).Count(i =>
        {
            float once = (float)(y[i] / (double)scaling.Scale[i % 4] + scaling.Offset[i % 4]);
            float q = y[i] / scaling.Scale[i % 4];
            float graph = q + scaling.Offset[i % 4];
            return Math.Abs(once - graph) > ParityCheck.Tolerance;
        });
        Assert.IsTrue(disagreements > 0, "no value where rounding once differs: the case would not catch the old reference");
    }

    [TestMethod]
    [DataRow("mlp")]
    [DataRow("conv")]
    public void TrainedPairsMatchAtEveryBatchSizeAndPassTheOfficialChecker(string kind)
    {
        TrainingData data;
        VaeArchitecture arch;
        if (kind == "conv")
        {
            var (train, test) = MnistFamilyFolder.Load(ShippedSampleTests.Folder);
            data = new TrainingData(train.Take(1000), null, test.Take(300), FeatureScaling.Identity(784),
                new DatasetDescription { Name = "fashion-mnist-sample", Source = ShippedSampleTests.Folder, ImageShape = [1, 28, 28] });
            arch = new VaeArchitecture { Kind = ModelKind.Conv, InputShape = [1, 28, 28], Hidden = [64], LatentDim = 4, ConvChannels = [8, 16] };
        }
        else
        {
            data = SyntheticData.Split(600, 300, 32);
            arch = new VaeArchitecture { InputShape = [32], Hidden = [24], LatentDim = 3 };
        }
        var checkpoint = RepoPaths.NewTempFolder($"trained-{kind}");
        var trained = new VaeTrainer(new TrainingOptions { Epochs = 2, BatchSize = 64, LearningRate = 2e-3, Seed = 3, Threads = 1 })
            .Train(arch, data, checkpoint);
        trained.Model.Dispose();
        var metrics = trained.Checkpoint.Metrics;
        Assert.IsTrue(metrics[1].TestNegElbo < metrics[0].TestNegElbo, $"the model trained: {metrics[0].TestNegElbo} -> {metrics[1].TestNegElbo}");

        var folder = Path.Combine(RepoPaths.NewTempFolder($"export-{kind}"), "pair");
        var rows = data.Test.Features;
        var result = VaeOnnxExporter.ExportCheckpoint(checkpoint, folder, parityRows: rows);
        Assert.AreEqual(300, result.ParityRows);
        Assert.IsTrue(result.EncoderMaxAbsDiff <= 1e-5 && result.DecoderMaxAbsDiff <= 1e-5, $"{result.EncoderMaxAbsDiff} {result.DecoderMaxAbsDiff}");

        var (info, model) = VaeCheckpoint.Load(checkpoint);
        using (model)
        {
            var d = new ExportDescription(info.Scaling, info.Dataset, null, "{}");
            foreach (int n in new[] { 1, 7, 300 })
            {
                double diff = VaeOnnxExporterTests.MaxDifference(model, d, folder, rows[..(n * arch.InputDim)]);
                Assert.IsTrue(diff <= 1e-5, $"{kind}, batch {n}: {diff}");
            }
        }
        OnnxChecker.AssertValid(Path.Combine(folder, "encoder.onnx"));
        OnnxChecker.AssertValid(Path.Combine(folder, "decoder.onnx"));
    }
}
