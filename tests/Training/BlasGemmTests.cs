using TorchSharp;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Gemm;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Training;

/// <summary>
/// The native GEMM routes (--gemm openblas, --gemm onednn) against LibTorch's own Linear: the same values and gradients
/// to float rounding, the same training, and resume bit for bit within the route. .ci/run installs libopenblas0-pthread
/// and libdnnl2.
/// </summary>
[TestClass]
public sealed class BlasGemmTests
{
    private static readonly VaeArchitecture Architecture = new() { InputShape = [32], Hidden = [24], LatentDim = 3 };
    private static readonly TrainingOptions Options = new() { Epochs = 2, BatchSize = 64, LearningRate = 3e-3, Seed = 7, Threads = 1 };

    [TestMethod]
    [DataRow(GemmBackend.OpenBlas, 37, 29, 13, true)]
    [DataRow(GemmBackend.OpenBlas, 128, 784, 400, false)]
    [DataRow(GemmBackend.OpenBlas, 1, 20, 400, true)]
    [DataRow(GemmBackend.OneDnn, 37, 29, 13, true)]
    [DataRow(GemmBackend.OneDnn, 128, 784, 400, false)]
    [DataRow(GemmBackend.OneDnn, 128, 400, 20, true)]
    [DataRow(GemmBackend.OneDnn, 1, 20, 400, true)]
    public void ForwardAndGradientsMatchLibTorchsLinear(GemmBackend backend, int rows, int inWidth, int outWidth, bool inputNeedsGrad)
    {
        AssertLoadable(backend);
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var x = randn([rows, inWidth], generator: generator);
        var w = randn([outWidth, inWidth], generator: generator) * 0.1;
        var b = randn([outWidth], generator: generator);
        var upstream = randn([rows, outWidth], generator: generator);

        var (yTorch, gradsTorch) = Run((xi, wi, bi) => nn.functional.linear(xi, wi, bi));
        var (yBlas, gradsBlas) = Run(backend == GemmBackend.OneDnn ? BlasLinearFunction<OneDnnLibrary>.Forward : BlasLinearFunction<OpenBlasLibrary>.Forward);

        AssertClose(yTorch, yBlas, "y");
        for (int i = 0; i < 3; i++)
        {
            if (i == 0 && !inputNeedsGrad)
            {
                Assert.IsNull(gradsBlas[0], "the data's gradient is not computed");
                continue;
            }
            AssertClose(gradsTorch[i]!, gradsBlas[i]!, $"{backend} {new[] { "dx", "dW", "db" }[i]}");
        }

        (Tensor Y, Tensor?[] Grads) Run(Func<Tensor, Tensor, Tensor, Tensor> linear)
        {
            var xi = x.detach().requires_grad_(inputNeedsGrad);
            var wi = w.detach().requires_grad_(true);
            var bi = b.detach().requires_grad_(true);
            var y = linear(xi, wi, bi);
            (y * upstream).sum().backward();
            return (y.detach(), [xi.grad, wi.grad, bi.grad]);
        }
    }

    [TestMethod]
    [DataRow(GemmBackend.OpenBlas)]
    [DataRow(GemmBackend.OneDnn)]
    public void TrainingAgreesWithLibTorchsRouteAndResumesBitForBit(GemmBackend backend)
    {
        AssertLoadable(backend);
        var data = SyntheticData.Split();
        var options = Options with { Gemm = backend };
        var blas = new VaeTrainer(options).Train(Architecture, data, RepoPaths.NewTempFolder("blas"));
        var torchRoute = new VaeTrainer(Options).Train(Architecture, data, RepoPaths.NewTempFolder("libtorch"));
        var folder = RepoPaths.NewTempFolder("blas-resumed");
        new VaeTrainer(options with { Epochs = 1 }).Train(Architecture, data, folder).Model.Dispose();
        Assert.AreEqual(backend, VaeCheckpoint.ReadInfo(folder).Training.Gemm, "the checkpoint keeps the route");
        var resumed = new VaeTrainer(Options).Train(Architecture, data, folder, resume: true);
        VaeTrainerTests.AssertRouteMatchesAndResumes(blas, torchRoute, resumed, $"the {backend} route");
    }

    [TestMethod]
    [DataRow(GemmBackend.OpenBlas)]
    [DataRow(GemmBackend.OneDnn)]
    public void ReferenceMlpEpochOnFashionMnistGivesLibTorchsElbo(GemmBackend backend)
    {
        AssertLoadable(backend);
        var (train, test) = MnistFamilyFolder.Load(VaeOnnx.Tests.Data.ShippedSampleTests.Folder);
        var data = new TrainingData(train.Take(1000), null, test.Take(200), FeatureScaling.Identity(784),
            new DatasetDescription { Name = "fashion-mnist-sample", Source = "sample" });
        var reference = new VaeArchitecture { InputShape = [784] };
        var options = new TrainingOptions { Epochs = 1, BatchSize = 128, Seed = 3, Threads = 2 };
        var blas = new VaeTrainer(options with { Gemm = backend }).Train(reference, data, RepoPaths.NewTempFolder("blas-fmnist"));
        var torchRoute = new VaeTrainer(options).Train(reference, data, RepoPaths.NewTempFolder("libtorch-fmnist"));
        using (blas.Model)
        using (torchRoute.Model)
        {
            double a = blas.Checkpoint.Metrics[0].TestNegElbo, b = torchRoute.Checkpoint.Metrics[0].TestNegElbo;
            Assert.AreEqual(b, a, 1e-4 * Math.Abs(b), $"test -ELBO {a} on {backend} vs {b} on LibTorch");
        }
    }

    [TestMethod]
    public void OneDnnProductsLeaveLibTorchsThreadCountAsItWas()
    {
        // oneDNN runs on LibTorch's own OpenMP runtime (the bundled libgomp answers to libgomp.so.1), whose thread count
        // LibTorch's kernels read too: the thread split (LibTorch 1, oneDNN 2) holds only if each product restores it.
        AssertLoadable(GemmBackend.OneDnn);
        int before = get_num_threads();
        try
        {
            set_num_threads(1);
            OneDnnLibrary.SetThreads(2);
            using var scope = NewDisposeScope();
            var x = ones(64, 300).requires_grad_(true);
            var w = ones(200, 300).requires_grad_(true);
            var y = BlasLinearFunction<OneDnnLibrary>.Forward(x, w, zeros(200).requires_grad_(true));
            y.sum().backward();
            Assert.AreEqual(300f, y[0, 0].item<float>());
            Assert.AreEqual(1, get_num_threads(), "LibTorch's thread count after the forward and both backward products");
        }
        finally
        {
            OneDnnLibrary.SetThreads(0);
            set_num_threads(before);
        }
    }

    private static void AssertLoadable(GemmBackend backend) =>
        Assert.IsTrue(backend == GemmBackend.OneDnn ? OneDnnLibrary.IsAvailable : OpenBlasLibrary.IsAvailable,
            $"{backend} is not loadable here; .ci/run installs libopenblas0-pthread and libdnnl2");

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, what);
        double scale = Math.Max(1.0, expected.abs().max().item<float>());
        double diff = (expected - actual).abs().max().item<float>();
        Assert.IsTrue(diff <= 1e-5 * scale, $"{what}: max |libtorch - native| {diff} (scale {scale})");
    }
}
