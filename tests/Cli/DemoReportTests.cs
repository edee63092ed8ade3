using VaeOnnx.Cli.Commands;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Cli;

/// <summary>The demo's report states the architecture and settings that were trained, not fixed text.</summary>
[TestClass]
public sealed class DemoReportTests
{
    private static Dictionary<string, object?> Figures() => new()
    {
        ["data"] = "/data/fmnist", ["shipped_sample"] = false, ["train_rows"] = 1000, ["test_rows"] = 200,
        ["parity_max_abs_diff"] = 2e-7, ["train_seconds"] = 3.0, ["total_seconds"] = 5.0,
    };

    private static readonly EvaluationSummary Evaluation = new()
    {
        TestNegElbo = 250.5, TestRecon = 240.25, TestKl = 10.25, IwLogPx = -248.0, IwSamples = 200, IwRows = 500, ActiveUnits = 6, SamplesPerSecond = 1234,
    };

    [TestMethod]
    public void TheReportDescribesTheArchitectureAndOptionsItIsGiven()
    {
        var architecture = new VaeArchitecture { InputShape = [1, 28, 28], Hidden = [256, 64], LatentDim = 8, Activation = Activation.Tanh };
        var options = new TrainingOptions { Epochs = 3, BatchSize = 64, LearningRate = 5e-4, Seed = 7, Beta = 0.5, WarmupEpochs = 2 };
        var metrics = new[] { new EpochMetrics { Epoch = 1, TrainNegElbo = 300, TestNegElbo = 290 } };
        var report = DemoReport.Write(Figures(), architecture, options, metrics, Evaluation);

        StringAssert.Contains(report, "Model: MLP 784-256-64-(8,8) / 8-64-256-784, Tanh, Bernoulli decoder; ");
        StringAssert.Contains(report, "Adam 0.0005 (0.9 / 0.999 / 1e-8), batch 64, 3 epochs, seed 7, KL weight 0.5, KL warm-up over 2 epochs.");
        StringAssert.Contains(report, "| active latent units (of 8) | 6 |");
        StringAssert.Contains(report, "K=200, first 500 test images | -248.00 |");
        StringAssert.Contains(report, "| 1 | 300.00 | 290.00 |");
        foreach (var stale in new[] { "400", "(20,20)", "(of 20)", "batch 128", "1e-3" })
            Assert.IsFalse(report.Contains(stale), $"'{stale}' is not what was trained:\n{report}");
    }

    [TestMethod]
    public void TheDefaultsReadAsTheReferenceConfiguration()
    {
        var report = DemoReport.Write(Figures(), new VaeArchitecture { InputShape = [1, 28, 28] }, new TrainingOptions { Epochs = 1 },
            [new EpochMetrics { Epoch = 1 }], Evaluation);
        StringAssert.Contains(report, "Model: MLP 784-400-(20,20) / 20-400-784, ReLU, Bernoulli decoder; Adam 0.001 (0.9 / 0.999 / 1e-8), batch 128, 1 epoch, seed 1.");
        StringAssert.Contains(report, "(of 20)");
        StringAssert.Contains(report, "first two principal components");
    }

    [TestMethod]
    public void OtherArchitecturesAreDescribedFromTheirFields()
    {
        Assert.AreEqual("MLP 5-16-(2,2) / 2-16-5, LeakyReLU, Gaussian decoder (fixed variance)",
            DemoReport.DescribeModel(new VaeArchitecture { InputShape = [5], Hidden = [16], LatentDim = 2, Activation = Activation.LeakyRelu, Likelihood = Likelihood.Gaussian, GaussianVariance = GaussianVariance.Fixed }));
        Assert.AreEqual("Conv 1->32->64 (4x4, stride 2) -256-(20,20) / 20-256-3136 -> ConvT 64->32->1, ReLU, Bernoulli decoder",
            DemoReport.DescribeModel(new VaeArchitecture { Kind = ModelKind.Conv, InputShape = [1, 28, 28], Hidden = [256] }));
        var twoD = DemoReport.Write(Figures(), new VaeArchitecture { InputShape = [1, 28, 28], LatentDim = 2 }, new TrainingOptions(), [new EpochMetrics { Epoch = 1 }], Evaluation);
        StringAssert.Contains(twoD, "latent means (z1, z2) of test images");
    }
}
