using VaeOnnx.Export;
using VaeOnnx.Tests.Data;
using VaeOnnx.Tests.Export;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Inference;

/// <summary>Model pairs for the inference tests, made once per run: trained briefly in TorchSharp and exported by our exporter.</summary>
internal static class ModelPairs
{
    private static readonly Lazy<string> ImageFolder = new(() =>
    {
        var (train, test) = MnistFamilyFolder.Load(ShippedSampleTests.Folder);
        var data = new TrainingData(train, null, test.Take(300), FeatureScaling.Identity(784), new DatasetDescription { Name = "fashion-mnist-sample", Source = ShippedSampleTests.Folder });
        return TrainAndExport("image", new VaeArchitecture { InputShape = [1, 28, 28], Hidden = [128], LatentDim = 6 }, data, epochs: 3);
    });

    private static readonly Lazy<string> TabularFolder = new(() => TrainTabular(seed: 1));
    private static readonly Lazy<string> TabularSecondFolder = new(() => TrainTabular(seed: 2));

    private static string TrainTabular(long seed)
    {
        var random = new Random(4);
        var rows = 800;
        var values = new float[rows * 5];
        for (int r = 0; r < rows; r++)
        {
            double t = random.NextDouble() * 2 - 1, u = random.NextDouble() * 2 - 1;
            float[] row = [(float)(100 + 20 * t), (float)(5 * u), (float)(t * u * 3), (float)(0.01 * t + 0.001 * random.NextDouble()), (float)(50 - 10 * u)];
            row.CopyTo(values, r * 5);
        }
        var all = new VaeDataset("sensors", values, rows, 5, null, null, ["a", "b", "c", "d", "e"]);
        var (trainRaw, testRaw) = DatasetSplitter.Split(all, 0.25, 1, "test");
        var scaling = DatasetScaling.Fit(trainRaw, ScalingKind.Standardize);
        var data = new TrainingData(scaling.Apply(trainRaw), null, scaling.Apply(testRaw), scaling,
            new DatasetDescription { Name = "sensors", Source = "memory", FeatureNames = all.FeatureNames });
        return TrainAndExport("tabular", new VaeArchitecture { InputShape = [5], Hidden = [16], LatentDim = 2, Likelihood = Likelihood.Gaussian }, data, epochs: 8, seed);
    }

    private static readonly Lazy<string> ForeignFolder = new(() =>
    {
        var folder = RepoPaths.NewTempFolder("foreign-pair");
        var (code, output) = OnnxChecker.RunPython("""
            import sys, numpy as np, onnx
            from onnx import helper, TensorProto, numpy_helper
            rng = np.random.default_rng(7)
            def gemm(name, inp, out, i, o):
                w = numpy_helper.from_array(rng.normal(0, 0.3, (o, i)).astype(np.float32), name + ".w")
                b = numpy_helper.from_array(rng.normal(0, 0.1, (o,)).astype(np.float32), name + ".b")
                return helper.make_node("Gemm", [inp, name + ".w", name + ".b"], [out], transB=1), [w, b]
            n1, i1 = gemm("fc", "input.1", "h", 6, 8)
            n2 = helper.make_node("Tanh", ["h"], ["t"])
            n3, i3 = gemm("m", "t", "13", 8, 2)
            n4, i4 = gemm("v", "t", "14", 8, 2)
            enc = helper.make_graph([n1, n2, n3, n4], "torch_jit", [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, ["batch", 6])],
                [helper.make_tensor_value_info("13", TensorProto.FLOAT, ["batch", 2]), helper.make_tensor_value_info("14", TensorProto.FLOAT, ["batch", 2])], i1 + i3 + i4)
            d1, j1 = gemm("d", "z.1", "o", 2, 6)
            d2 = helper.make_node("Sigmoid", ["o"], ["out"])
            dec = helper.make_graph([d1, d2], "torch_jit", [helper.make_tensor_value_info("z.1", TensorProto.FLOAT, ["batch", 2])],
                [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["batch", 6])], j1)
            for g, f in ((enc, "encoder.onnx"), (dec, "decoder.onnx")):
                m = helper.make_model(g, producer_name="pytorch", opset_imports=[helper.make_opsetid("", 13)])
                m.ir_version = 7
                onnx.save(m, sys.argv[1] + "/" + f)
            """, folder);
        Assert.AreEqual(0, code, output);
        return folder;
    });

    /// <summary>A 784-128-6 Bernoulli MLP trained 3 epochs on the shipped Fashion-MNIST sample.</summary>
    public static string Image => ImageFolder.Value;

    /// <summary>A 5-16-2 Gaussian MLP on standardised synthetic sensor data (scaling baked into the graphs).</summary>
    public static string Tabular => TabularFolder.Value;

    /// <summary>The same data and architecture as <see cref="Tabular"/>, another seed: a different pair of the same shape.</summary>
    public static string TabularSecond => TabularSecondFolder.Value;

    /// <summary>A metadata-free pair as torch.onnx.export writes it (other names, opset 13), D=6, L=2.</summary>
    public static string Foreign => ForeignFolder.Value;

    private static string TrainAndExport(string name, VaeArchitecture arch, TrainingData data, int epochs, long seed = 1)
    {
        var checkpoint = RepoPaths.NewTempFolder(name + "-ckpt");
        var result = new VaeTrainer(new TrainingOptions { Epochs = epochs, BatchSize = 64, LearningRate = 2e-3, Threads = 2, Seed = seed }).Train(arch, data, checkpoint);
        result.Model.Dispose();
        var folder = Path.Combine(RepoPaths.NewTempFolder(name + "-model"), "model");
        VaeOnnxExporter.ExportCheckpoint(checkpoint, folder);
        return folder;
    }
}
