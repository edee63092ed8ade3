using VaeOnnx.Contract.Onnx;
using System.Text.Json;
using VaeOnnx.Export;

using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Training;

/// <summary>A learned Gaussian decoder variance has a floor, used alike by the loss and by the exported metadata.</summary>
[TestClass]
public sealed class GaussianVarianceFloorTests
{
    [TestMethod]
    public void TheLossUsesTheLogVarianceFlooredAtLogOneInTenThousand()
    {
        Assert.AreEqual(Math.Log(1e-4), ElboLoss.MinDecoderLogVar, 1e-15);
        using var scope = NewDisposeScope();
        float[] mean = [0f, 1f, -2f], x = [0.5f, 1.01f, 0f], logvar = [-20f, -9f, 0.5f];
        var parameter = tensor(logvar, requires_grad: true);
        var nll = ElboLoss.ReconstructionNll(Likelihood.Gaussian, tensor(mean, [1, 3]), tensor(x, [1, 3]), parameter);
        double expected = 0;
        for (int j = 0; j < 3; j++)
        {
            double lv = Math.Max(logvar[j], Math.Log(1e-4)); // -9 is above the floor (-9.2103)
            expected += 0.5 * ((x[j] - mean[j]) * (x[j] - mean[j]) / Math.Exp(lv) + lv + Math.Log(2 * Math.PI));
        }
        Assert.AreEqual(expected, nll.item<float>(), 1e-3 * Math.Abs(expected));
        nll.sum().backward();
        var gradient = parameter.grad!.data<float>().ToArray();
        Assert.AreEqual(0f, gradient[0], "below the floor the parameter no longer moves the loss");
        Assert.AreNotEqual(0f, gradient[1]);
    }

    [TestMethod]
    public void AConstantFeatureStopsAtTheFloorAndTheExportCarriesWhatTheLossUses()
    {
        // Feature 2 never changes: standardised it is always 0, the decoder learns to output 0, and its learned
        // log-variance falls until the floor stops it (without one it falls for as long as training runs).
        var random = new Random(6);
        const int rows = 800;
        var values = new float[rows * 3];
        for (int r = 0; r < rows; r++)
        {
            double t = random.NextDouble();
            values[r * 3] = (float)(10 + 5 * t);
            values[r * 3 + 1] = (float)(3 * t * t + 0.1 * random.NextDouble());
            values[r * 3 + 2] = 7.5f;
        }
        var all = new VaeDataset("constant-column", values, rows, 3, null, null, ["a", "b", "constant"]);
        var (trainRaw, testRaw) = DatasetSplitter.Split(all, 0.25, 1, "test");
        var scaling = DatasetScaling.Fit(trainRaw, ScalingKind.Standardize);
        var data = new TrainingData(scaling.Apply(trainRaw), null, scaling.Apply(testRaw), scaling,
            new DatasetDescription { Name = "constant-column", Source = "memory", FeatureNames = all.FeatureNames });
        var arch = new VaeArchitecture { InputShape = [3], Hidden = [16], LatentDim = 2, Likelihood = Likelihood.Gaussian };
        var folder = RepoPaths.NewTempFolder("floor");
        var result = new VaeTrainer(new TrainingOptions { Epochs = 12, BatchSize = 16, LearningRate = 0.05, Seed = 4, Threads = 1 }).Train(arch, data, folder);
        using var model = result.Model;
        Assert.IsTrue(result.Checkpoint.Metrics.All(m => double.IsFinite(m.TestNegElbo) && double.IsFinite(m.TrainNegElbo)));
        var raw = model.decoder_logvar.data<float>().ToArray();
        Assert.IsTrue(raw[2] <= ElboLoss.MinDecoderLogVar, $"the constant feature's log-variance reached the floor: {raw[2]}");
        Assert.IsTrue(raw[0] > ElboLoss.MinDecoderLogVar && raw[1] > ElboLoss.MinDecoderLogVar, $"the varying features did not: {raw[0]}, {raw[1]}");
        // The test figure is bounded by the floor: the constant feature costs at least (log 1e-4 + log 2 pi) / 2 nats.
        double floorCost = 0.5 * (Math.Log(1e-4) + Math.Log(2 * Math.PI));
        Assert.IsTrue(result.Checkpoint.Metrics[^1].TestRecon > floorCost, $"{result.Checkpoint.Metrics[^1].TestRecon}");

        var modelFolder = Path.Combine(RepoPaths.NewTempFolder("floor-export"), "model");
        VaeOnnxExporter.ExportCheckpoint(folder, modelFolder, parityRows: testRaw.Features);
        var metadata = OnnxFile.Read(Path.Combine(modelFolder, ModelCard.DecoderFileName)).Metadata;
        var exported = JsonSerializer.Deserialize<float[]>(metadata[VaeMetadataKeys.DecoderLogVar])!;
        Assert.AreEqual((float)ElboLoss.MinDecoderLogVar, exported[2]);
        Assert.AreEqual(raw[0], exported[0]);
        Assert.AreEqual(raw[1], exported[1]);

        // The exported variances reproduce the loss the trainer computed for the same decoder output.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        var x = tensor(data.Test.Features, [data.Test.Rows, 3]);
        var (mu, _) = model.encoder.forward(x);
        var decoded = model.decoder.forward(mu);
        var trainerLoss = ElboLoss.ReconstructionNll(Likelihood.Gaussian, decoded, x, model.decoder_logvar).mean().item<float>();
        var fromMetadata = ElboLoss.ReconstructionNll(Likelihood.Gaussian, decoded, x, tensor(exported)).mean().item<float>();
        Assert.AreEqual(trainerLoss, fromMetadata, 1e-5 * Math.Abs(trainerLoss));
        var diff = (decoded - x).square().data<float>().ToArray();
        double byHand = Enumerable.Range(0, diff.Length).Sum(i => 0.5 * (diff[i] / Math.Exp(exported[i % 3]) + exported[i % 3] + Math.Log(2 * Math.PI))) / data.Test.Rows;
        Assert.AreEqual(byHand, trainerLoss, 1e-3 * Math.Abs(byHand) + 1e-3);
    }
}
