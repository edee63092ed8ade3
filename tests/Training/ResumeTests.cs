using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Training;

/// <summary>What --resume accepts (only the checkpoint's own data) and what it keeps (early stopping's best weights).</summary>
[TestClass]
public sealed class ResumeTests
{
    private static readonly VaeArchitecture Architecture = new() { InputShape = [32], Hidden = [24], LatentDim = 3 };
    private static readonly TrainingOptions Options = new() { Epochs = 2, BatchSize = 64, LearningRate = 3e-3, Seed = 7, Threads = 1 };

    [TestMethod]
    public void ResumeRefusesDataWithAnotherScalingOrDescription()
    {
        var data = SyntheticData.Split(300, 100);
        var folder = RepoPaths.NewTempFolder("resume-data");
        new VaeTrainer(Options with { Epochs = 1 }).Train(Architecture, data, folder).Model.Dispose();
        var json = Path.Combine(folder, VaeCheckpoint.InfoFileName);
        var before = File.ReadAllText(json);

        // What the CLI did when --likelihood was left at its default for a Gaussian checkpoint: a fresh scaling of another kind.
        var minmax = DatasetScaling.Fit(data.Train, ScalingKind.MinMax);
        AssertRefused(data with { Scaling = minmax }, "field 'scaling.kind' is 'none' in the checkpoint but 'minmax' for the data given");

        var shifted = FeatureScaling.Identity(32) with { Offset = [.. Enumerable.Repeat(0f, 31), 0.25f] };
        AssertRefused(data with { Scaling = shifted }, "field 'scaling.offset[31]' is 0 in the checkpoint but 0.25 for the data given");

        AssertRefused(data with { Dataset = data.Dataset with { TrainRows = 299 } }, "field 'dataset.train_rows' is 300 in the checkpoint but 299");
        AssertRefused(data with { Dataset = data.Dataset with { Name = "other" } }, "field 'dataset.name' is 'synthetic' in the checkpoint but 'other'");
        AssertRefused(data with { Dataset = data.Dataset with { SplitSeed = 5 } }, "field 'dataset.split_seed' is 0 in the checkpoint but 5");
        AssertRefused(data with { Dataset = data.Dataset with { FeatureNames = [.. Enumerable.Range(0, 32).Select(i => $"f{i}")] } },
            "field 'dataset.feature_names' is null in the checkpoint but [f0,f1,");
        Assert.AreEqual(before, File.ReadAllText(json), "a refused resume leaves the checkpoint as it was");

        // The data moving elsewhere is not a difference: its location is not part of the check.
        var moved = new VaeTrainer(Options).Train(Architecture, data with { Dataset = data.Dataset with { Source = "/elsewhere" } }, folder, resume: true);
        moved.Model.Dispose();
        Assert.AreEqual(2, moved.Checkpoint.Epoch);

        void AssertRefused(TrainingData other, string expected)
        {
            var e = Assert.Throws<CheckpointFormatException>(() => new VaeTrainer(Options).Train(Architecture, other, folder, resume: true));
            StringAssert.Contains(e.Message, json);
            StringAssert.Contains(e.Message, expected);
        }
    }

    [TestMethod]
    public void EarlyStoppingAfterAnInterruptedAndResumedRunKeepsTheBestEpochsWeights()
    {
        var data = SyntheticData.Split(600, 200);
        var validation = SyntheticData.Prototypes(200, 32, 3);
        var withValidation = data with { Validation = validation };
        // A learning rate far too high for the data makes validation worsen after the first epochs.
        var options = Options with { Epochs = 12, LearningRate = 0.05, EarlyStoppingPatience = 2 };

        var straight = new VaeTrainer(options).Train(Architecture, withValidation, RepoPaths.NewTempFolder("early-straight"));
        using var straightModel = straight.Model;
        Assert.AreEqual(StopReason.EarlyStopping, straight.StopReason);
        int best = straight.Checkpoint.BestEpoch!.Value;
        Assert.IsTrue(straight.Checkpoint.Epoch == best + 2 && best >= 1, $"best {best}, stopped after {straight.Checkpoint.Epoch}");

        // Stop the second run one epoch after the best one, so that the best epoch lies before the resume.
        var folder = RepoPaths.NewTempFolder("early-resumed");
        using var cancel = new CancellationTokenSource();
        var stopAfterBest = new CallbackProgress(p => { if (p.Epoch == best + 1 && p.Step == p.StepsPerEpoch) cancel.Cancel(); });
        var interrupted = new VaeTrainer(options, stopAfterBest).Train(Architecture, withValidation, folder, cancellation: cancel.Token);
        interrupted.Model.Dispose();
        Assert.AreEqual(StopReason.Interrupted, interrupted.StopReason);
        Assert.AreEqual(best + 1, interrupted.Checkpoint.Epoch);
        Assert.AreEqual(best, interrupted.Checkpoint.BestEpoch);
        Assert.AreEqual($"best-e{best:D4}.bin", interrupted.Checkpoint.BestWeightsFile);
        Assert.IsTrue(File.Exists(Path.Combine(folder, interrupted.Checkpoint.BestWeightsFile!)));

        // Copies of the interrupted checkpoint without the best weights: a resume that stops early cannot restore them and
        // says so, naming the file (or the field, for a checkpoint.json that does not name one), instead of keeping the
        // last epoch's weights as if they were the best.
        var withoutFile = CopyOf(folder);
        File.Delete(Path.Combine(withoutFile, interrupted.Checkpoint.BestWeightsFile!));
        var missing = Assert.Throws<CheckpointFormatException>(() => new VaeTrainer(options).Train(Architecture, withValidation, withoutFile, resume: true));
        StringAssert.Contains(missing.Message, Path.Combine(withoutFile, interrupted.Checkpoint.BestWeightsFile!));
        StringAssert.Contains(missing.Message, "missing");
        var withoutField = CopyOf(folder);
        var json = Path.Combine(withoutField, VaeCheckpoint.InfoFileName);
        File.WriteAllText(json, File.ReadAllText(json).Replace($"\"best_weights_file\": \"best-e{best:D4}.bin\"", "\"best_weights_file\": null"));
        var noField = Assert.Throws<CheckpointFormatException>(() => new VaeTrainer(options).Train(Architecture, withValidation, withoutField, resume: true));
        StringAssert.Contains(noField.Message, json);
        StringAssert.Contains(noField.Message, $"field 'best_weights_file' is missing, so early stopping could not restore the weights of best epoch {best}");

        var resumed = new VaeTrainer(options).Train(Architecture, withValidation, folder, resume: true);
        using var resumedModel = resumed.Model;
        Assert.AreEqual(StopReason.EarlyStopping, resumed.StopReason);
        Assert.AreEqual(best, resumed.Checkpoint.BestEpoch);
        Assert.AreEqual(best + 2, resumed.Checkpoint.Epoch);
        VaeTrainerTests.AssertSameParameters(straightModel, resumedModel);
        double restored = VaeEvaluator.NegativeElbo(resumedModel, validation, 2000, VaeTrainer.EvalSeed(options.Seed)).NegElbo;
        Assert.AreEqual(resumed.Checkpoint.Metrics[best - 1].ValidationNegElbo!.Value, restored, 1e-4, "the returned model has the best epoch's weights");
        Assert.IsTrue(resumed.Checkpoint.Metrics[^1].ValidationNegElbo > restored, "and the last epoch's weights were worse");

        // The saved checkpoint holds them too, next to the best-weights file it names (nothing stale left behind).
        var (info, saved) = VaeCheckpoint.Load(folder);
        using (saved) VaeTrainerTests.AssertSameParameters(straightModel, saved);
        CollectionAssert.AreEquivalent(new[] { info.WeightsFile, info.OptimizerFile, info.BestWeightsFile },
            Directory.GetFiles(folder, "*.bin").Select(Path.GetFileName).ToArray());
    }

    private static string CopyOf(string folder)
    {
        var copy = RepoPaths.NewTempFolder("ckpt-copy");
        foreach (var file in Directory.GetFiles(folder)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    private sealed class CallbackProgress(Action<TrainingProgress> callback) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => callback(value);
    }
}
