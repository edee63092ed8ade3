using TorchSharp;
using VaeOnnx.Tests.Training;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Family;

/// <summary>Training the family: bit-exact resume, the importance-weighted bound, the flow's log-determinant, the condition.</summary>
[TestClass]
public sealed class FamilyTrainingTests
{
    [TestMethod]
    [DataRow("cvae")]
    [DataRow("iaf")]
    [DataRow("iwae")]
    [DataRow("all")]
    public void ResumedRunEqualsUninterruptedRunBitForBit(string kind)
    {
        var (arch, options) = FamilyKinds.Of(kind);
        var data = FamilyKinds.Data();
        var straight = new VaeTrainer(options).Train(arch, data, RepoPaths.NewTempFolder($"family-straight-{kind}"));
        var folder = RepoPaths.NewTempFolder($"family-resumed-{kind}");
        new VaeTrainer(options with { Epochs = 1 }).Train(arch, data, folder).Model.Dispose();
        var resumed = new VaeTrainer(options).Train(arch, data, folder, resume: true);
        using (straight.Model)
        using (resumed.Model)
        {
            VaeTrainerTests.AssertSameParameters(straight.Model, resumed.Model);
            Assert.AreEqual(straight.Checkpoint.Metrics[1].TestNegElbo, resumed.Checkpoint.Metrics[1].TestNegElbo);
            Assert.IsTrue(straight.Checkpoint.Metrics[1].TestNegElbo < straight.Checkpoint.Metrics[0].TestNegElbo,
                $"{kind}: epoch 2 test -ELBO {straight.Checkpoint.Metrics[1].TestNegElbo} vs epoch 1 {straight.Checkpoint.Metrics[0].TestNegElbo}");
        }
    }

    [TestMethod]
    public void CancelledMidEpochThenResumedEqualsUninterruptedRun()
    {
        var (arch, options) = FamilyKinds.Of("all");
        // Progress is reported every 20 steps: batches of 16 give 38 steps an epoch, so the stop falls inside epoch 2.
        options = options with { BatchSize = 16 };
        var data = FamilyKinds.Data();
        var straight = new VaeTrainer(options).Train(arch, data, RepoPaths.NewTempFolder("family-straight"));
        var folder = RepoPaths.NewTempFolder("family-interrupted");
        using var cancel = new CancellationTokenSource();
        var stop = new Progress(p => { if (p.Epoch == 2 && p.Step >= 20 && p.Step < p.StepsPerEpoch) cancel.Cancel(); });
        var interrupted = new VaeTrainer(options, stop).Train(arch, data, folder, cancellation: cancel.Token);
        interrupted.Model.Dispose();
        Assert.IsTrue(interrupted.Checkpoint.Step > 0, "the checkpoint records a step inside epoch 2");
        var resumed = new VaeTrainer(options).Train(arch, data, folder, resume: true);
        using (straight.Model)
        using (resumed.Model)
            VaeTrainerTests.AssertSameParameters(straight.Model, resumed.Model);
    }

    [TestMethod]
    public void ImportanceWeightedBoundWithOneDrawIsTheElboAndTightensWithMoreDraws()
    {
        manual_seed(3);
        using var model = new VariationalAutoencoder(FamilyKinds.Of("iaf").Architecture);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = VaeEvaluator.AsTensor(FamilyKinds.Data().Test.Take(50));
        using var generator = new Generator(11);
        var eps = randn([50, 1, 3], generator: generator);
        var one = ImportanceWeightedLoss.Compute(model, x, null, eps, beta: 1);
        var pass = model.Forward(x, null, eps.squeeze(1));
        var elbo = ElboLoss.Compute(model, pass, x);
        var expected = (-(elbo.Reconstruction + elbo.Kl)).data<float>().ToArray();
        var bound = one.Bound.data<float>().ToArray();
        for (int i = 0; i < 50; i++) Assert.AreEqual(expected[i], bound[i], 1e-3 * Math.Abs(expected[i]), $"row {i}");

        // Jensen: log mean_k w_k >= mean_k log w_k, row by row, for any draws.
        var many = randn([50, 8, 3], generator: generator);
        var terms = ImportanceWeightedLoss.Compute(model, x, null, many, beta: 1);
        var tight = terms.Bound.data<float>().ToArray();
        var meanElbo = (-(terms.Reconstruction + terms.Kl)).data<float>().ToArray();
        for (int i = 0; i < 50; i++) Assert.IsTrue(tight[i] >= meanElbo[i] - 1e-3, $"row {i}: bound {tight[i]} below the mean ELBO {meanElbo[i]}");
        Assert.IsTrue(tight.Average() > meanElbo.Average() + 0.01, $"bound {tight.Average()} vs mean ELBO {meanElbo.Average()}");
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    public void FlowStepIsAutoregressiveAndItsLogDeterminantIsTheJacobians(int index)
    {
        const int latent = 4;
        manual_seed(5);
        using var step = new IafStep(index, latent, contextWidth: 3, hidden: 10);
        step.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        var h = randn([1, 3], dtype: ScalarType.Float64);
        var z = randn([1, latent], dtype: ScalarType.Float64);
        var (_, logSigma) = step.forward(z, h);
        double logDet = logSigma.sum().item<double>();
        // Central differences of z' with respect to each z_j.
        var jacobian = new double[latent, latent];
        for (int j = 0; j < latent; j++)
        {
            var delta = zeros([1, latent], dtype: ScalarType.Float64);
            delta[0, j] = 1e-6;
            var up = step.forward(z + delta, h).Z.data<double>().ToArray();
            var down = step.forward(z - delta, h).Z.data<double>().ToArray();
            for (int i = 0; i < latent; i++) jacobian[i, j] = (up[i] - down[i]) / 2e-6;
        }
        int Order(int i) => index % 2 == 0 ? i : latent - 1 - i;
        double diagonal = 0;
        for (int i = 0; i < latent; i++)
            for (int j = 0; j < latent; j++)
            {
                if (Order(j) > Order(i)) Assert.AreEqual(0, jacobian[i, j], 1e-8, $"z'_{i} depends on z_{j}, which comes after it");
                if (i == j) diagonal += Math.Log(jacobian[i, i]);
            }
        // Triangular in the step's order: the determinant is the product of the diagonal, sigma.
        Assert.AreEqual(diagonal, logDet, 1e-6);
    }

    [TestMethod]
    public void ConditionalModelLearnsFromItsCondition()
    {
        var data = FamilyKinds.Data();
        var options = FamilyKinds.Options with { Epochs = 3 };
        var plain = new VaeTrainer(options).Train(FamilyKinds.Plain, data, RepoPaths.NewTempFolder("family-plain"));
        var conditional = new VaeTrainer(options).Train(FamilyKinds.Of("cvae").Architecture, data, RepoPaths.NewTempFolder("family-cvae"));
        using (plain.Model)
        using (conditional.Model)
        {
            double a = plain.Checkpoint.Metrics[^1].TestNegElbo, b = conditional.Checkpoint.Metrics[^1].TestNegElbo;
            Assert.IsTrue(b < a - 0.5, $"the label names the prototype, so the conditional model should fit better: {b} vs {a}");
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var z = zeros([4, 3]);
            var decoded = conditional.Model.Decode(z, VaeEvaluator.OneHot(arange(4L), 4)).sigmoid();
            var first = decoded[0];
            for (int c = 1; c < 4; c++)
                Assert.IsTrue((decoded[c] - first).abs().max().item<float>() > 0.1f, $"class {c} decodes the same z like class 0");
        }
    }

    [TestMethod]
    public void ParameterCountCoversConditionsAndFlows()
    {
        VaeArchitecture[] cases =
        [
            FamilyKinds.Of("cvae").Architecture, FamilyKinds.Of("iaf").Architecture, FamilyKinds.Of("all").Architecture,
            new() { Kind = ModelKind.Conv, InputShape = [1, 8, 8], Hidden = [12, 5], LatentDim = 3, ConvChannels = [2, 3], Condition = FamilyKinds.Condition,
                Posterior = PosteriorKind.Iaf, FlowSteps = 3, FlowHidden = 7 },
        ];
        foreach (var arch in cases)
        {
            using var model = new VariationalAutoencoder(arch);
            Assert.AreEqual(model.parameters().Sum(p => p.numel()), arch.ParameterCount(), $"{System.Text.Json.JsonSerializer.Serialize(arch)}");
            Assert.IsFalse(model.state_dict().Keys.Any(k => k.Contains("mask")), "the flow's masks are not saved with the weights");
        }
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
