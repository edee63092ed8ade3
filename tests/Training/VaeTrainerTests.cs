using TorchSharp;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Training;

[TestClass]
public sealed class VaeTrainerTests
{
    private static readonly VaeArchitecture Architecture = new() { InputShape = [32], Hidden = [24], LatentDim = 3 };
    private static readonly TrainingOptions Options = new() { Epochs = 2, BatchSize = 64, LearningRate = 3e-3, Seed = 7, Threads = 1 };

    [TestMethod]
    public void OneEpochImprovesTheTestElbo()
    {
        var data = SyntheticData.Split();
        manual_seed(7);
        using var untrained = new VariationalAutoencoder(Architecture);
        double before = VaeEvaluator.NegativeElbo(untrained, data.Test).NegElbo;

        var result = new VaeTrainer(Options with { Epochs = 2 }).Train(Architecture, data, RepoPaths.NewTempFolder("train"));
        using var model = result.Model;
        var metrics = result.Checkpoint.Metrics;
        Assert.AreEqual(2, metrics.Count);
        Assert.IsTrue(metrics[0].TestNegElbo < before - 1.0, $"epoch 1 test -ELBO {metrics[0].TestNegElbo} vs untrained {before}");
        Assert.IsTrue(metrics[1].TestNegElbo < metrics[0].TestNegElbo, $"epoch 2 {metrics[1].TestNegElbo} vs epoch 1 {metrics[0].TestNegElbo}");
        Assert.AreEqual(metrics[1].TestRecon + metrics[1].TestKl, metrics[1].TestNegElbo, 1e-6);
        Assert.IsTrue(metrics.All(m => m.SamplesPerSecond > 0 && double.IsFinite(m.TrainNegElbo)));
        var csv = File.ReadAllLines(Path.Combine(result.CheckpointFolder, VaeTrainer.MetricsFileName));
        Assert.AreEqual(3, csv.Length);
        StringAssert.StartsWith(csv[0], "epoch,train_neg_elbo,train_recon,train_kl");
    }

    [TestMethod]
    public void CheckpointRoundTripGivesTheSameModel()
    {
        var data = SyntheticData.Split();
        var folder = RepoPaths.NewTempFolder("roundtrip");
        var result = new VaeTrainer(Options with { Epochs = 1 }).Train(Architecture, data, folder);
        using var trained = result.Model;
        var (info, loaded) = VaeCheckpoint.Load(folder);
        using (loaded)
        {
            Assert.AreEqual(1, info.Epoch);
            Assert.AreEqual(StopReason.Completed, info.StopReason);
            Assert.AreEqual(Architecture.LatentDim, info.Architecture.LatentDim);
            AssertSameParameters(trained, loaded);
        }
        Assert.AreEqual(2, Directory.GetFiles(folder, "*.bin").Length, "one weights file and one optimizer file");
    }

    [TestMethod]
    public void ResumedRunEqualsUninterruptedRunBitForBit()
    {
        var data = SyntheticData.Split();
        var straight = new VaeTrainer(Options with { Epochs = 2 }).Train(Architecture, data, RepoPaths.NewTempFolder("straight"));
        var folder = RepoPaths.NewTempFolder("resumed");
        new VaeTrainer(Options with { Epochs = 1 }).Train(Architecture, data, folder).Model.Dispose();
        var resumed = new VaeTrainer(Options with { Epochs = 2 }).Train(Architecture, data, folder, resume: true);
        using (straight.Model)
        using (resumed.Model)
        {
            AssertSameParameters(straight.Model, resumed.Model);
            Assert.AreEqual(straight.Checkpoint.Metrics[1].TestNegElbo, resumed.Checkpoint.Metrics[1].TestNegElbo);
        }
    }

    [TestMethod]
    public void CancelledMidEpochThenResumedEqualsUninterruptedRun()
    {
        var data = SyntheticData.Split();
        var straight = new VaeTrainer(Options).Train(Architecture, data, RepoPaths.NewTempFolder("straight"));
        var folder = RepoPaths.NewTempFolder("interrupted");
        using var cancel = new CancellationTokenSource();
        var stopAfter = new CallbackProgress(p => { if (p.Epoch == 2 && p.Step >= 20) cancel.Cancel(); });
        var interrupted = new VaeTrainer(Options, stopAfter).Train(Architecture, data, folder, cancellation: cancel.Token);
        interrupted.Model.Dispose();
        Assert.AreEqual(StopReason.Interrupted, interrupted.StopReason);
        Assert.AreEqual(1, interrupted.Checkpoint.Epoch);
        Assert.IsTrue(interrupted.Checkpoint.Step > 0, "the checkpoint records the step inside epoch 2");

        var resumed = new VaeTrainer(Options).Train(Architecture, data, folder, resume: true);
        using (straight.Model)
        using (resumed.Model)
        {
            AssertSameParameters(straight.Model, resumed.Model);
            Assert.AreEqual(straight.Checkpoint.Metrics[1].TrainNegElbo, resumed.Checkpoint.Metrics[1].TrainNegElbo, 1e-9);
        }
    }

    [TestMethod]
    public void NonFiniteLossStopsWithEpochAndStepAndKeepsTheLastCheckpoint()
    {
        var data = SyntheticData.Split();
        var folder = RepoPaths.NewTempFolder("nan");
        new VaeTrainer(Options with { Epochs = 1 }).Train(Architecture, data, folder).Model.Dispose();
        var poisoned = data.Train.Features.ToArray();
        for (int j = 0; j < 32; j++) poisoned[j] = float.NaN;
        var bad = data with { Train = new VaeOnnx.Training.Data.VaeDataset("poisoned", poisoned, data.Train.Rows, 32) };

        var e = Assert.Throws<NonFiniteLossException>(() => new VaeTrainer(Options with { Epochs = 2 }).Train(Architecture, bad, folder, resume: true));
        Assert.AreEqual(2, e.Epoch);
        StringAssert.Contains(e.Message, "epoch 2, step");
        StringAssert.Contains(e.Message, folder);
        var (info, model) = VaeCheckpoint.Load(folder);
        model.Dispose();
        Assert.AreEqual(1, info.Epoch, "the epoch-1 checkpoint is kept as it was");
    }

    [TestMethod]
    public void ExistingCheckpointIsNotOverwrittenWithoutResume()
    {
        var data = SyntheticData.Split(300, 100);
        var folder = RepoPaths.NewTempFolder("exists");
        new VaeTrainer(Options with { Epochs = 1 }).Train(Architecture, data, folder).Model.Dispose();
        var e = Assert.Throws<IOException>(() => new VaeTrainer(Options with { Epochs = 1 }).Train(Architecture, data, folder));
        StringAssert.Contains(e.Message, "checkpoint.json");
        StringAssert.Contains(e.Message, "--resume");
    }

    [TestMethod]
    public void CorruptCheckpointJsonNamesTheFileAndTheField()
    {
        var data = SyntheticData.Split(300, 100);
        var folder = RepoPaths.NewTempFolder("corrupt");
        new VaeTrainer(Options with { Epochs = 1 }).Train(Architecture, data, folder).Model.Dispose();
        var json = Path.Combine(folder, VaeCheckpoint.InfoFileName);
        var text = File.ReadAllText(json);

        File.WriteAllText(json, text.Replace("\"latent_dim\": 3", "\"latent_dim\": -3"));
        var e = Assert.Throws<CheckpointFormatException>(() => VaeCheckpoint.Load(folder));
        StringAssert.Contains(e.Message, json);
        StringAssert.Contains(e.Message, "latent_dim");

        File.WriteAllText(json, text[..(text.Length / 2)]);
        e = Assert.Throws<CheckpointFormatException>(() => VaeCheckpoint.Load(folder));
        StringAssert.Contains(e.Message, json);

        File.WriteAllText(json, text);
        var weights = Directory.GetFiles(folder, "weights-*.bin").Single();
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..100]);
        e = Assert.Throws<CheckpointFormatException>(() => VaeCheckpoint.Load(folder));
        StringAssert.Contains(e.Message, weights);
    }

    [TestMethod]
    public void EarlyStoppingKeepsTheBestValidationEpoch()
    {
        var data = SyntheticData.Split(600, 200);
        var validation = SyntheticData.Prototypes(200, 32, 3);
        // A learning rate far too high for the data makes validation worsen after the first epochs.
        var options = Options with { Epochs = 12, LearningRate = 0.05, EarlyStoppingPatience = 2 };
        var result = new VaeTrainer(options).Train(Architecture, data with { Validation = validation }, RepoPaths.NewTempFolder("early"));
        using var model = result.Model;
        var metrics = result.Checkpoint.Metrics;
        Assert.AreEqual(StopReason.EarlyStopping, result.StopReason, string.Join(", ", metrics.Select(m => m.ValidationNegElbo)));
        int best = result.Checkpoint.BestEpoch!.Value;
        Assert.AreEqual(metrics.Min(m => m.ValidationNegElbo!.Value), metrics[best - 1].ValidationNegElbo!.Value);
        Assert.AreEqual(best + 2, metrics.Count, "stops after patience epochs without improvement");
        double restored = VaeEvaluator.NegativeElbo(model, validation, 2000, VaeTrainer.EvalSeed(options.Seed)).NegElbo;
        Assert.AreEqual(metrics[best - 1].ValidationNegElbo!.Value, restored, 1e-4, "the returned model has the best epoch's weights");
    }

    [TestMethod]
    public void ConvolutionalModelTrainsOnImages()
    {
        var (train, test) = VaeOnnx.Training.Data.MnistFamilyFolder.Load(VaeOnnx.Tests.Data.ShippedSampleTests.Folder);
        var data = new TrainingData(train.Take(1000), null, test.Take(200), FeatureScaling.Identity(784),
            new DatasetDescription { Name = "fashion-mnist-sample", Source = "sample" });
        var conv = new VaeArchitecture { Kind = ModelKind.Conv, InputShape = [1, 28, 28], Hidden = [64], LatentDim = 4, ConvChannels = [8, 16] };
        manual_seed(3);
        using var untrained = new VariationalAutoencoder(conv);
        double before = VaeEvaluator.NegativeElbo(untrained, data.Test).NegElbo;
        var result = new VaeTrainer(Options with { Epochs = 2, Threads = 2 }).Train(conv, data, RepoPaths.NewTempFolder("conv"));
        using var model = result.Model;
        Assert.IsTrue(result.Checkpoint.Metrics[^1].TestNegElbo < before - 50, $"{before} -> {result.Checkpoint.Metrics[^1].TestNegElbo}");
        using var scope = NewDisposeScope();
        var decoded = model.decoder.forward(zeros(3, 4));
        CollectionAssert.AreEqual(new long[] { 3, 784 }, decoded.shape);
    }

    [TestMethod]
    public void WarmupRaisesBetaLinearly()
    {
        var options = new TrainingOptions { Beta = 2, WarmupEpochs = 4 };
        Assert.AreEqual(0.0, options.BetaAt(0));
        Assert.AreEqual(1.0, options.BetaAt(2));
        Assert.AreEqual(2.0, options.BetaAt(4));
        Assert.AreEqual(2.0, options.BetaAt(9));
        Assert.AreEqual(2.0, new TrainingOptions { Beta = 2 }.BetaAt(0));
    }

    /// <summary>
    /// A training route against the default route on the same data: a run of the route resumed after its first epoch ends
    /// on the straight run's weights and -ELBO, each epoch's test -ELBO is the default route's to 1e-4, and the ELBO
    /// improves. Disposes the three models.
    /// </summary>
    internal static void AssertRouteMatchesAndResumes(TrainingResult route, TrainingResult reference, TrainingResult resumed, string name)
    {
        using (route.Model)
        using (reference.Model)
        using (resumed.Model)
        {
            AssertSameParameters(route.Model, resumed.Model);
            Assert.AreEqual(route.Checkpoint.Metrics[1].TestNegElbo, resumed.Checkpoint.Metrics[1].TestNegElbo);
            for (int epoch = 0; epoch < 2; epoch++)
            {
                double a = route.Checkpoint.Metrics[epoch].TestNegElbo, b = reference.Checkpoint.Metrics[epoch].TestNegElbo;
                Assert.AreEqual(b, a, 1e-4 * Math.Abs(b), $"epoch {epoch + 1}: test -ELBO {a} on {name} vs {b} on the default route");
            }
            Assert.IsTrue(route.Checkpoint.Metrics[1].TestNegElbo < route.Checkpoint.Metrics[0].TestNegElbo, $"the ELBO improves on {name}");
        }
    }

    internal static void AssertSameParameters(nn.Module a, nn.Module b)
    {
        var left = a.state_dict();
        var right = b.state_dict();
        CollectionAssert.AreEquivalent(left.Keys.ToArray(), right.Keys.ToArray());
        foreach (var (name, value) in left)
            Assert.IsTrue(value.eq(right[name]).all().item<bool>(), $"parameter {name} differs (max abs diff {(value - right[name]).abs().max().item<float>()})");
    }

    private sealed class CallbackProgress(Action<TrainingProgress> callback) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => callback(value);
    }
}
