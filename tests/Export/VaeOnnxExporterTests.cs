using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using VaeOnnx.Export;
using VaeOnnx.Contract.Onnx;

using VaeOnnx.Tests.Training;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Export;

[TestClass]
public sealed class VaeOnnxExporterTests
{
    internal static ExportDescription Describe(FeatureScaling scaling, IReadOnlyList<string>? names = null) => new(
        scaling, new DatasetDescription { Name = "test-data", Source = "memory", FeatureNames = names }, null, "{\"epochs\":1}");

    private static float[] RandomRows(int rows, int dims, int seed, double scale = 1, double offset = 0)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * dims).Select(_ => (float)(offset + scale * random.NextDouble())).ToArray();
    }

    /// <summary>
    /// Runs both graphs in ONNX Runtime and the model in TorchSharp on the same rows; returns the largest difference on the
    /// 1e-5 scale of <see cref="ParityCheck.Tolerance"/>: |difference| for mu and logvar, and for x_hat the
    /// difference relative to <see cref="ParityCheck.DecoderAllowance"/> (1e-5 in the scaled space plus float32 rounding).
    /// </summary>
    /// <remarks>The reference is computed as the graphs compute it, one float32 operation per node (and clipped as the trainer clips).</remarks>
    internal static double MaxDifference(VariationalAutoencoder model, ExportDescription d, string folder, float[] raw)
    {
        var arch = model.Architecture;
        int n = raw.Length / arch.InputDim;
        bool clip = d.Scaling.ClipsToUnitInterval(arch.Likelihood);
        var scaled = raw.Select((v, i) => (v - d.Scaling.Offset[i % arch.InputDim]) * d.Scaling.Scale[i % arch.InputDim])
            .Select(v => clip ? Math.Clamp(v, 0f, 1f) : v).ToArray();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        var (mu, logvar) = model.encoder.forward(tensor(scaled, [n, arch.InputDim]));
        var y = model.decoder.forward(mu);
        if (arch.IsBernoulli) y = y.sigmoid();
        var yScaled = y.data<float>().ToArray();
        var expected = yScaled.Select((v, i) => v / d.Scaling.Scale[i % arch.InputDim] + d.Scaling.Offset[i % arch.InputDim]).ToArray();
        using var encoder = new InferenceSession(Path.Combine(folder, ModelCard.EncoderFileName));
        using var decoder = new InferenceSession(Path.Combine(folder, ModelCard.DecoderFileName));
        using var runOptions = new RunOptions();
        using var x = OrtValue.CreateTensorValueFromMemory(raw, [n, arch.InputDim]);
        using var encoded = encoder.Run(runOptions, ["x"], [x], ["mu", "logvar"]);
        var muValues = mu.data<float>().ToArray();
        using var z = OrtValue.CreateTensorValueFromMemory(muValues, [n, arch.LatentDim]);
        using var decoded = decoder.Run(runOptions, ["z"], [z], ["x_hat"]);
        double max = 0;
        void Compare(ReadOnlySpan<float> a, float[] b)
        {
            Assert.AreEqual(b.Length, a.Length);
            for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }
        Compare(encoded[0].GetTensorDataAsSpan<float>(), muValues);
        Compare(encoded[1].GetTensorDataAsSpan<float>(), logvar.data<float>().ToArray());
        var xHat = decoded[0].GetTensorDataAsSpan<float>();
        Assert.AreEqual(expected.Length, xHat.Length);
        for (int i = 0; i < xHat.Length; i++)
        {
            int j = i % arch.InputDim;
            double allowance = ParityCheck.DecoderAllowance(yScaled[i], d.Scaling.Scale[j], d.Scaling.Offset[j]);
            max = Math.Max(max, Math.Abs(xHat[i] - expected[i]) / allowance * ParityCheck.Tolerance);
        }
        return max;
    }

    [TestMethod]
    [DataRow(ModelKind.Mlp, Activation.Relu, Likelihood.Bernoulli, ScalingKind.None)]
    [DataRow(ModelKind.Mlp, Activation.LeakyRelu, Likelihood.Gaussian, ScalingKind.Standardize)]
    [DataRow(ModelKind.Mlp, Activation.Tanh, Likelihood.Bernoulli, ScalingKind.MinMax)]
    [DataRow(ModelKind.Mlp, Activation.Sigmoid, Likelihood.Gaussian, ScalingKind.MinMax)]
    [DataRow(ModelKind.Conv, Activation.Relu, Likelihood.Bernoulli, ScalingKind.None)]
    [DataRow(ModelKind.Conv, Activation.LeakyRelu, Likelihood.Gaussian, ScalingKind.Standardize)]
    public void RandomWeightsMatchOnnxRuntimeAndPassTheOfficialChecker(ModelKind kind, Activation activation, Likelihood likelihood, ScalingKind scalingKind)
    {
        var arch = kind == ModelKind.Conv
            ? new VaeArchitecture { Kind = ModelKind.Conv, InputShape = [1, 8, 12], Hidden = [24], LatentDim = 3, ConvChannels = [4, 6], Activation = activation, Likelihood = likelihood }
            : new VaeArchitecture { InputShape = [10], Hidden = [16, 8], LatentDim = 3, Activation = activation, Likelihood = likelihood };
        manual_seed(5);
        using var model = new VariationalAutoencoder(arch);
        if (likelihood == Likelihood.Gaussian) using (no_grad()) model.decoder_logvar.copy_(linspace(-1, 1, arch.InputDim));
        var fitRows = RandomRows(50, arch.InputDim, 1, 40, -10);
        var scaling = DatasetScaling.Fit(new VaeDataset("fit", fitRows, 50, arch.InputDim), scalingKind);
        var d = Describe(scaling);
        var folder = Path.Combine(RepoPaths.NewTempFolder("export"), "model");
        var result = VaeOnnxExporter.Export(model, d, folder);
        Assert.IsTrue(result.EncoderMaxAbsDiff <= 1e-5 && result.DecoderMaxAbsDiff <= 1e-5, $"{result.EncoderMaxAbsDiff} {result.DecoderMaxAbsDiff}");
        CollectionAssert.AreEquivalent(new[] { "encoder.onnx", "decoder.onnx", "model.json" }, Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
        foreach (int rows in new[] { 1, 7, 300 })
        {
            var raw = RandomRows(rows, arch.InputDim, rows, 40, -10);
            Assert.IsTrue(MaxDifference(model, d, folder, raw) <= 1e-5, $"batch {rows}");
        }
        OnnxChecker.AssertValid(Path.Combine(folder, "encoder.onnx"));
        OnnxChecker.AssertValid(Path.Combine(folder, "decoder.onnx"));
    }

    [TestMethod]
    public void TrainedCheckpointExportsWithMetadataAndReadsBack()
    {
        var data = SyntheticData.Split(600, 100, 32);
        var arch = new VaeArchitecture { InputShape = [32], Hidden = [24], LatentDim = 3 };
        var checkpoint = RepoPaths.NewTempFolder("ckpt");
        new VaeTrainer(new TrainingOptions { Epochs = 2, BatchSize = 64, Threads = 1 }).Train(arch, data, checkpoint).Model.Dispose();
        VaeCheckpoint.WriteEvaluation(checkpoint, new EvaluationSummary { TestNegElbo = 12.5, IwLogPx = -12.25, IwSamples = 10 });
        var folder = Path.Combine(RepoPaths.NewTempFolder("export"), "pair");
        var result = VaeOnnxExporter.ExportCheckpoint(checkpoint, folder, VaeOnnx.Cli.Commands.TrainingCommandLine.Format(VaeCheckpoint.ReadInfo(checkpoint)), parityRows: data.Test.Features);
        Assert.AreEqual(100, result.ParityRows);

        var encoder = OnnxFile.Read(Path.Combine(folder, "encoder.onnx"));
        var decoder = OnnxFile.Read(Path.Combine(folder, "decoder.onnx"));
        Assert.AreEqual(8, encoder.IrVersion);
        Assert.AreEqual(17, encoder.Opsets[""]);
        Assert.AreEqual("VaeOnnx", encoder.ProducerName);
        Assert.AreEqual("x: FLOAT[N, 32]", encoder.Inputs.Single().ToString());
        CollectionAssert.AreEqual(new[] { "mu: FLOAT[N, 3]", "logvar: FLOAT[N, 3]" }, encoder.Outputs.Select(o => o.ToString()).ToArray());
        Assert.AreEqual("z: FLOAT[N, 3]", decoder.Inputs.Single().ToString());
        Assert.AreEqual("x_hat: FLOAT[N, 32]", decoder.Outputs.Single().ToString());
        Assert.AreEqual("encoder", encoder.Metadata[VaeMetadataKeys.Role]);
        Assert.AreEqual("decoder", decoder.Metadata[VaeMetadataKeys.Role]);
        Assert.AreEqual(encoder.Metadata[VaeMetadataKeys.PairId], decoder.Metadata[VaeMetadataKeys.PairId]);
        Assert.AreEqual("12.5", encoder.Metadata[VaeMetadataKeys.TestNegElbo]);
        Assert.AreEqual("-12.25", decoder.Metadata[VaeMetadataKeys.IwLogPx]);
        Assert.AreEqual("3", decoder.Metadata[VaeMetadataKeys.LatentDim]);
        Assert.AreEqual("probabilities", decoder.Metadata[VaeMetadataKeys.DecoderOutput]);
        StringAssert.Contains(encoder.Metadata[VaeMetadataKeys.Scaling], "\"kind\":\"none\"");
        Assert.AreEqual(32 * 24 + 24 + 2 * (24 * 3 + 3), encoder.ParameterCount);
        Assert.AreEqual(result.Card.Parameters["decoder"], decoder.ParameterCount);
        var card = System.Text.Json.JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(Path.Combine(folder, "model.json")))!;
        Assert.AreEqual(encoder.Metadata[VaeMetadataKeys.PairId], card.PairId);
        StringAssert.StartsWith(card.TrainingCommand, "vae train --data");
        OnnxChecker.AssertValid(Path.Combine(folder, "encoder.onnx"));
        OnnxChecker.AssertValid(Path.Combine(folder, "decoder.onnx"));
    }

    [TestMethod]
    public void GraphsWrittenByAnotherToolAreRead()
    {
        var path = Path.Combine(RepoPaths.NewTempFolder("foreign"), "other.onnx");
        var (code, output) = OnnxChecker.RunPython("""
            import sys, numpy as np, onnx
            from onnx import helper, TensorProto, numpy_helper
            w = numpy_helper.from_array(np.ones((4, 6), np.float32), "W")
            n1 = helper.make_node("Gemm", ["input.1", "W"], ["13"], transB=1)
            n2 = helper.make_node("Relu", ["13"], ["14"])
            g = helper.make_graph([n1, n2], "torch_jit", [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, ["batch_size", 6])],
                [helper.make_tensor_value_info("14", TensorProto.FLOAT, [None, 4])], [w])
            m = helper.make_model(g, producer_name="pytorch", opset_imports=[helper.make_opsetid("", 13)])
            m.ir_version = 7
            onnx.save(m, sys.argv[1])
            """, path);
        Assert.AreEqual(0, code, output);
        var summary = OnnxFile.Read(path);
        Assert.AreEqual("pytorch", summary.ProducerName);
        Assert.AreEqual(7, summary.IrVersion);
        Assert.AreEqual("input.1: FLOAT[batch_size, 6]", summary.Inputs.Single().ToString());
        Assert.AreEqual("14: FLOAT[?, 4]", summary.Outputs.Single().ToString());
        Assert.AreEqual(24, summary.ParameterCount);
        Assert.AreEqual(0, summary.Metadata.Count);
    }

    [TestMethod]
    public void CorruptOnnxFilesNameTheFile()
    {
        var folder = RepoPaths.NewTempFolder("badonnx");
        var cases = new Dictionary<string, byte[]> { ["empty.onnx"] = [], ["text.onnx"] = "hello, I am not a model"u8.ToArray(), ["junk.onnx"] = [0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01] };
        foreach (var (name, bytes) in cases)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<ModelFileException>(() => OnnxFile.Read(path), name);
            StringAssert.Contains(e.Message, path);
        }
    }

    [TestMethod]
    public void UnsupportedModulesAreNamedWithTheirType()
    {
        using var dropout = nn.Dropout(0.5);
        var e = Assert.Throws<OnnxExportException>(() => ModuleGraphMapper.Append(new OnnxGraphBuilder("g"), dropout, "encoder.body.drop", "x"));
        StringAssert.Contains(e.Message, "encoder.body.drop");
        StringAssert.Contains(e.Message, "Dropout");
    }

    [TestMethod]
    public void ExistingFoldersNeedForceAndUnwritableFoldersFailCleanly()
    {
        var arch = new VaeArchitecture { InputShape = [6], Hidden = [5], LatentDim = 2 };
        using var model = new VariationalAutoencoder(arch);
        var d = Describe(FeatureScaling.Identity(6));
        var root = RepoPaths.NewTempFolder("force");
        var folder = Path.Combine(root, "model");
        var first = VaeOnnxExporter.Export(model, d, folder);
        var before = File.ReadAllBytes(Path.Combine(folder, "encoder.onnx"));
        var e = Assert.Throws<OnnxExportException>(() => VaeOnnxExporter.Export(model, d, folder));
        StringAssert.Contains(e.Message, folder);
        StringAssert.Contains(e.Message, "--force");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(Path.Combine(folder, "encoder.onnx")), "old files intact");
        var second = VaeOnnxExporter.Export(model, d, folder, force: true);
        Assert.AreNotEqual(first.Card.PairId, second.Card.PairId);
        Assert.AreEqual(1, Directory.GetFileSystemEntries(root).Length, "no staging or replaced folders left: " + string.Join(", ", Directory.GetFileSystemEntries(root)));

        var blocker = Path.Combine(root, "a-file");
        File.WriteAllText(blocker, "not a folder");
        var unwritable = Assert.Throws<OnnxExportException>(() => VaeOnnxExporter.Export(model, d, Path.Combine(blocker, "model")));
        StringAssert.Contains(unwritable.Message, blocker);
        Assert.AreEqual(2, Directory.GetFileSystemEntries(root).Length);
    }

    [TestMethod]
    public void CorruptCheckpointFailsTheExportWithoutOutput()
    {
        var checkpoint = RepoPaths.NewTempFolder("badckpt");
        File.WriteAllText(Path.Combine(checkpoint, VaeCheckpoint.InfoFileName), "{ \"format_version\": 1, ");
        var output = Path.Combine(RepoPaths.NewTempFolder("out"), "model");
        var e = Assert.Throws<CheckpointFormatException>(() => VaeOnnxExporter.ExportCheckpoint(checkpoint, output));
        StringAssert.Contains(e.Message, "checkpoint.json");
        Assert.IsFalse(Directory.Exists(output));
    }
}
