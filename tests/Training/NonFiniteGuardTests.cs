using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Training;

/// <summary>
/// Nothing non-finite is ever written as a checkpoint: not only the loss is checked, but every parameter and the epoch's
/// held-out figures, before every save. The previous checkpoint is kept.
/// </summary>
[TestClass]
public sealed class NonFiniteGuardTests
{
    private static readonly VaeArchitecture Architecture = new() { InputShape = [32], Hidden = [24], LatentDim = 3 };
    private static readonly TrainingOptions Options = new() { Epochs = 3, BatchSize = 64, LearningRate = 3e-3, Seed = 7, Threads = 1 };

    /// <summary>A trained epoch-1 checkpoint whose Bernoulli model holds NaN in decoder_logvar, which its loss never reads.</summary>
    private static (string Folder, TrainingData Data) CheckpointWithNaNInAnUnusedParameter()
    {
        var data = SyntheticData.Split();
        var folder = RepoPaths.NewTempFolder("nan-param");
        var first = new VaeTrainer(Options with { Epochs = 1 }).Train(Architecture, data, folder);
        using (first.Model)
        {
            using (no_grad()) first.Model.decoder_logvar[5] = float.NaN;
            var weights = new MemoryStream();
            first.Model.save(weights);
            File.WriteAllBytes(Path.Combine(folder, first.Checkpoint.WeightsFile), weights.ToArray());
        }
        return (folder, data);
    }

    [TestMethod]
    public void NonFiniteParameterStopsBeforeTheEpochEndCheckpoint()
    {
        var (folder, data) = CheckpointWithNaNInAnUnusedParameter();
        var json = File.ReadAllText(Path.Combine(folder, VaeCheckpoint.InfoFileName));
        // The loss is finite at every step (Bernoulli ignores decoder_logvar), so only the check before saving can stop it.
        var e = Assert.Throws<NonFiniteLossException>(() => new VaeTrainer(Options).Train(Architecture, data, folder, resume: true));
        Assert.AreEqual(2, e.Epoch);
        Assert.AreEqual(24, e.Step, "1500 rows in batches of 64: the epoch's last step");
        Assert.AreEqual("parameter 'decoder_logvar'", e.Quantity);
        StringAssert.Contains(e.Message, "parameter 'decoder_logvar' became NaN at epoch 2, step 24");
        StringAssert.Contains(e.Message, $"The last good checkpoint is kept at {folder}");
        Assert.AreEqual(json, File.ReadAllText(Path.Combine(folder, VaeCheckpoint.InfoFileName)), "no epoch-2 checkpoint was written");
        Assert.AreEqual(1, VaeCheckpoint.ReadInfo(folder).Epoch);
    }

    [TestMethod]
    public void NonFiniteParameterStopsBeforeTheInterruptionCheckpoint()
    {
        var (folder, data) = CheckpointWithNaNInAnUnusedParameter();
        var json = File.ReadAllText(Path.Combine(folder, VaeCheckpoint.InfoFileName));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var e = Assert.Throws<NonFiniteLossException>(() => new VaeTrainer(Options).Train(Architecture, data, folder, resume: true, cancelled.Token));
        Assert.AreEqual(2, e.Epoch);
        Assert.AreEqual(0, e.Step, "interrupted before the first step of epoch 2");
        Assert.AreEqual(json, File.ReadAllText(Path.Combine(folder, VaeCheckpoint.InfoFileName)));
    }

    [TestMethod]
    public void NonFiniteTestFigureStopsBeforeTheCheckpoint()
    {
        var data = SyntheticData.Split();
        var folder = RepoPaths.NewTempFolder("nan-test");
        new VaeTrainer(Options with { Epochs = 1 }).Train(Architecture, data, folder).Model.Dispose();
        var json = File.ReadAllText(Path.Combine(folder, VaeCheckpoint.InfoFileName));
        // A test row of float.MaxValue targets: BCE on logits is -logit * x, which overflows to an infinity.
        var test = data.Test.Features.ToArray();
        for (int j = 0; j < 32; j++) test[5 * 32 + j] = float.MaxValue;
        var bad = data with { Test = new VaeDataset("huge test rows", test, data.Test.Rows, 32) };

        var e = Assert.Throws<NonFiniteLossException>(() => new VaeTrainer(Options).Train(Architecture, bad, folder, resume: true));
        Assert.AreEqual(2, e.Epoch);
        Assert.AreEqual(24, e.Step);
        Assert.AreEqual("the test negative ELBO", e.Quantity);
        Assert.AreEqual(json, File.ReadAllText(Path.Combine(folder, VaeCheckpoint.InfoFileName)));
        Assert.AreEqual(2, File.ReadAllLines(Path.Combine(folder, VaeTrainer.MetricsFileName)).Length, "metrics.csv keeps epoch 1 only");
    }

    [TestMethod]
    public void ALearningRateThatBlowsUpLeavesNoCheckpoint()
    {
        // One step per epoch: the step of epoch 1 sees a finite loss, then Adam moves every weight by about 1e30, and the
        // epoch's test figure overflows. Before the check this epoch was saved and later named "the last good checkpoint".
        var data = SyntheticData.Split(300, 100);
        var folder = RepoPaths.NewTempFolder("blowup");
        var e = Assert.Throws<NonFiniteLossException>(() =>
            new VaeTrainer(Options with { BatchSize = 300, LearningRate = 1e30 }).Train(Architecture, data, folder));
        Assert.AreEqual(1, e.Epoch);
        Assert.AreEqual(1, e.Step);
        Assert.AreEqual("the test negative ELBO", e.Quantity);
        Assert.IsNull(e.LastCheckpoint);
        StringAssert.Contains(e.Message, "No checkpoint had been written yet");
        Assert.IsFalse(VaeCheckpoint.Exists(folder));
        Assert.AreEqual(0, Directory.GetFiles(folder).Length, "nothing written, not even a best-weights or metrics file");
    }
}
