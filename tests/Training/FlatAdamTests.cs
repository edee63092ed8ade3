using TorchSharp;
using TorchSharp.Modules;
using VaeOnnx.Contract;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Gemm;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Optim;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Training;

/// <summary>
/// The flat and fused Adams (--adam-update flat, fused) and the thread split (--gemm openblas --threads 1 --gemm-threads 2):
/// the same steps as TorchSharp's per-tensor Adam on LibTorch's GEMM to float rounding, and resume bit for bit within the route.
/// </summary>
[TestClass]
public sealed class FlatAdamTests
{
    private static readonly VaeArchitecture Architecture = new() { InputShape = [32], Hidden = [24], LatentDim = 3 };
    private static readonly TrainingOptions Options = new() { Epochs = 2, BatchSize = 64, LearningRate = 3e-3, Seed = 7, Threads = 1, AdamUpdate = AdamUpdate.Flat };

    [TestMethod]
    [DataRow(AdamUpdate.Flat)]
    [DataRow(AdamUpdate.Fused)]
    public void StepsEqualTorchSharpsAdam(AdamUpdate update)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var start = new[] { randn([7, 5], generator: generator), randn([5], generator: generator), randn([3, 1, 2], generator: generator) };
        var gradients = Enumerable.Range(0, 4).Select(_ => start.Select(s => randn(s.shape, generator: generator)).ToArray()).ToArray();
        var perTensor = Train(ps => optim.Adam(ps, 0.01, 0.9, 0.999, 1e-8));
        var flat = Train(ps => update == AdamUpdate.Fused ? new FusedAdam(ps, 0.01, 0.9, 0.999, 1e-8) : new FlatAdam(ps, 0.01, 0.9, 0.999, 1e-8));
        for (int i = 0; i < start.Length; i++)
        {
            double diff = (perTensor[i] - flat[i]).abs().max().item<float>();
            Assert.IsTrue(diff <= 1e-6, $"parameter {i}: max |per-tensor - {update}| {diff} after 4 steps");
            Assert.IsTrue((flat[i] - start[i]).abs().max().item<float>() > 1e-3, $"parameter {i} moved");
        }

        Tensor[] Train(Func<IReadOnlyList<Parameter>, OptimizerHelper> create)
        {
            var parameters = start.Select(s => new Parameter(s.clone())).ToList();
            using var optimizer = create(parameters);
            foreach (var step in gradients)
            {
                optimizer.zero_grad();
                // A loss whose gradient is the step's: LibTorch accumulates it into the (flat) gradient views.
                var loss = parameters.Select((p, i) => (p * step[i]).sum()).Aggregate((a, b) => a + b);
                loss.backward();
                optimizer.step();
            }
            return parameters.Select(p => p.detach().clone()).ToArray();
        }
    }

    [TestMethod]
    [DataRow(GemmBackend.LibTorch, 0, Likelihood.Bernoulli, AdamUpdate.Flat)]
    [DataRow(GemmBackend.OpenBlas, 2, Likelihood.Bernoulli, AdamUpdate.Flat)]
    [DataRow(GemmBackend.LibTorch, 0, Likelihood.Gaussian, AdamUpdate.Flat)]
    [DataRow(GemmBackend.LibTorch, 0, Likelihood.Bernoulli, AdamUpdate.Fused)]
    public void TrainingAgreesWithTheDefaultRouteAndResumesBitForBit(GemmBackend gemm, int gemmThreads, Likelihood likelihood, AdamUpdate update)
    {
        var architecture = Architecture with { Likelihood = likelihood };
        var data = SyntheticData.Split();
        var options = Options with { Gemm = gemm, GemmThreads = gemmThreads, AdamUpdate = update };
        var straight = new VaeTrainer(options).Train(architecture, data, RepoPaths.NewTempFolder("flat"));
        var reference = new VaeTrainer(Options with { AdamUpdate = AdamUpdate.PerTensor }).Train(architecture, data, RepoPaths.NewTempFolder("per-tensor"));
        var folder = RepoPaths.NewTempFolder("flat-resumed");
        new VaeTrainer(options with { Epochs = 1 }).Train(architecture, data, folder).Model.Dispose();
        var info = VaeCheckpoint.ReadInfo(folder);
        Assert.AreEqual(update, info.Training.AdamUpdate, "the checkpoint keeps the update");
        Assert.AreEqual(0, info.Training.GemmThreads, "the OpenBLAS thread count is a machine setting, not stored");
        var resumed = new VaeTrainer(Options with { AdamUpdate = AdamUpdate.PerTensor, Gemm = gemm, GemmThreads = gemmThreads })
            .Train(architecture, data, folder, resume: true);
        VaeTrainerTests.AssertRouteMatchesAndResumes(straight, reference, resumed, $"the {update} Adam route");
    }
}
