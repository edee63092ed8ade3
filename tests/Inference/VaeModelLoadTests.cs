using Microsoft.ML;
using Microsoft.ML.Data;
using Google.Protobuf;
using VaeOnnx.Inference;
using VaeOnnx.Contract.Onnx.Proto;
using StringEntry = VaeOnnx.Contract.Onnx.Proto.StringStringEntryProto;

namespace VaeOnnx.Tests.Inference;

[TestClass]
public sealed class VaeModelLoadTests
{
    [TestMethod]
    public void PairWithoutMetadataLoadsWithDiscoveredNames()
    {
        var model = VaeModel.Load(ModelPairs.Foreign);
        Assert.IsFalse(model.HasMetadata);
        Assert.AreEqual("input.1", model.EncoderInput);
        Assert.AreEqual("13", model.EncoderMu);
        Assert.AreEqual("14", model.EncoderLogVar);
        Assert.AreEqual("z.1", model.DecoderInput);
        Assert.AreEqual("out", model.DecoderOutput);
        Assert.AreEqual(6, model.InputDim);
        Assert.AreEqual(2, model.LatentDim);
        Assert.IsNull(model.Likelihood);
        StringAssert.StartsWith(model.PairId, "sha256:");

        var ml = new MLContext(1);
        var data = FeatureRow.View(ml, [[0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f]], 6);
        var encoded = ml.Transforms.VaeEncode(model).Append(ml.Transforms.VaeReconstruct(model)).Fit(data).Transform(data);
        Assert.AreEqual(6, encoded.GetColumn<VBuffer<float>>("Reconstruction").Single().Length);
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.VaeAnomalyScore(model).Fit(data));
        StringAssert.Contains(e.Message, "likelihood");
        var withLikelihood = VaeModel.Load(ModelPairs.Foreign, likelihood: Likelihood.Bernoulli);
        var score = ml.Transforms.VaeAnomalyScore(withLikelihood).Fit(data).Transform(data).GetColumn<float>("Score").Single();
        Assert.IsTrue(float.IsFinite(score) && score > 0);
    }

    [TestMethod]
    public void WrongVectorLengthNamesTheColumnAndBothSizes()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(ModelPairs.Tabular);
        var data = FeatureRow.View(ml, [[1f, 2f, 3f]], 3);
        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.VaeEncode(model).Fit(data));
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, "Vector<Single, 3>");
        StringAssert.Contains(e.Message, "5 floats");
        var missing = Assert.Throws<ArgumentException>(() => ml.Transforms.VaeEncode(model, "Pixels").Fit(data));
        StringAssert.Contains(missing.Message, "'Pixels' not found");
    }

    private static string Folder(string encoder, string decoder)
    {
        var folder = RepoPaths.NewTempFolder("pair");
        File.Copy(encoder, Path.Combine(folder, "encoder.onnx"));
        File.Copy(decoder, Path.Combine(folder, "decoder.onnx"));
        return folder;
    }

    [TestMethod]
    public void BrokenPairsFailWithTheFileAndTheProblem()
    {
        string Enc(string f) => Path.Combine(f, "encoder.onnx");
        string Dec(string f) => Path.Combine(f, "decoder.onnx");
        void Expect(string folder, string text)
        {
            var e = Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(folder));
            StringAssert.Contains(e.Message, text);
        }

        var absent = Path.Combine(RepoPaths.NewTempFolder("absent"), "nothing");
        Expect(absent, absent);

        var noDecoder = Folder(Enc(ModelPairs.Tabular), Dec(ModelPairs.Tabular));
        File.Delete(Dec(noDecoder));
        Expect(noDecoder, Dec(noDecoder) + ": file not found");

        var notOnnx = Folder(Enc(ModelPairs.Tabular), Dec(ModelPairs.Tabular));
        File.WriteAllText(Enc(notOnnx), "not a model");
        Expect(notOnnx, Enc(notOnnx));

        var truncated = Folder(Enc(ModelPairs.Image), Dec(ModelPairs.Image));
        File.WriteAllBytes(Dec(truncated), File.ReadAllBytes(Dec(ModelPairs.Image))[..5000]);
        Expect(truncated, Dec(truncated));

        Expect(Folder(Enc(ModelPairs.Image), Dec(ModelPairs.Tabular)), "not a pair");
        Expect(Folder(Dec(ModelPairs.Image), Dec(ModelPairs.Image)), "1 output ('x_hat' [N,784]); an encoder has two outputs");
        Expect(Folder(Enc(ModelPairs.Tabular), Dec(ModelPairs.Foreign)), "not a pair");
    }

    [TestMethod]
    public void MetadataKeyWithANulByteIsALoadErrorNamingTheFile()
    {
        // ONNX Runtime's C# metadata reader dereferences null for such a key (found by the hostile-input run).
        var folder = Folder(Path.Combine(ModelPairs.Tabular, "encoder.onnx"), Path.Combine(ModelPairs.Tabular, "decoder.onnx"));
        var decoder = Path.Combine(folder, "decoder.onnx");
        var bytes = File.ReadAllBytes(decoder);
        int at = bytes.AsSpan().IndexOf("vaeonnx.role"u8);
        Assert.IsGreaterThanOrEqualTo(0, at);
        bytes[at + 8] = 0;
        File.WriteAllBytes(decoder, bytes);
        var e = Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(folder));
        Assert.AreEqual($"{decoder}: metadata 'vaeonnx.role' is missing; expected it in every VaeOnnx graph", e.Message);
    }

    private static string Edited(string file, Action<ModelProto> edit) => Edited([file], edit);

    private static string Edited(string[] files, Action<ModelProto> edit)
    {
        var folder = Folder(Path.Combine(ModelPairs.Tabular, "encoder.onnx"), Path.Combine(ModelPairs.Tabular, "decoder.onnx"));
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file);
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            edit(model);
            File.WriteAllBytes(path, model.ToByteArray());
        }
        return folder;
    }

    [TestMethod]
    public void DeclaredShapesAreReadAsTheFileStatesThem()
    {
        // ONNX Runtime's C# API would report 2^32 + 5 as 5, the decoder's true latent size.
        var huge = Edited("decoder.onnx", m => m.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimValue = (1L << 32) + 5);
        var e = Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(huge));
        StringAssert.Contains(e.Message, Path.Combine(huge, "decoder.onnx"));
        StringAssert.Contains(e.Message, "fixed batch size 4294967301");
        StringAssert.Contains(e.Message, "expected a symbolic batch dimension");

        var fixedBatch = Edited("encoder.onnx", m => m.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimValue = 7);
        StringAssert.Contains(Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(fixedBatch)).Message, "fixed batch size 7 [7,5]; expected a symbolic batch dimension");

        var wide = Edited("encoder.onnx", m => m.Graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue = (1L << 32) + 2);
        StringAssert.Contains(Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(wide)).Message, $"size 4294967298 in dimension 1 [N,4294967298]; expected [N, size] with size 1..{VaeModel.MaxFeatureDim}");
    }

    [TestMethod]
    public void PairWithAFixedBatchOfOneIsScoredRowByRowWithTheSameNumbers()
    {
        // torch.onnx.export without dynamic_axes writes [1, D]: such pairs load and score one row per ONNX Runtime call.
        var folder = Edited(["encoder.onnx", "decoder.onnx"], m =>
        {
            foreach (var value in m.Graph.Input.Concat(m.Graph.Output)) value.Type.TensorType.Shape.Dim[0].DimValue = 1;
        });

        var batchOfOne = VaeModel.Load(folder);
        var symbolic = VaeModel.Load(ModelPairs.Tabular);
        Assert.AreEqual(1, batchOfOne.MaxBatchRows);
        Assert.AreEqual(int.MaxValue, symbolic.MaxBatchRows);
        var ml = new MLContext(1);
        var random = new Random(5);
        var rows = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 40)).ToArray()).ToArray();
        var data = FeatureRow.View(ml, rows, 5);
        float[] Scores(VaeModel model) => ml.Transforms.VaeAnomalyScore(model).Fit(data).Transform(data).GetColumn<float>("Score").ToArray();
        float[][] Reconstructions(VaeModel model) => ml.Transforms.VaeReconstruct(model).Fit(data).Transform(data)
            .GetColumn<VBuffer<float>>("Reconstruction").Select(v => v.DenseValues().ToArray()).ToArray();
        var (expected, actual) = (Scores(symbolic), Scores(batchOfOne));
        for (int i = 0; i < rows.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-4f * Math.Max(1, Math.Abs(expected[i])), $"row {i}");
        var (expectedX, actualX) = (Reconstructions(symbolic), Reconstructions(batchOfOne));
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < 5; j++) Assert.AreEqual(expectedX[i][j], actualX[i][j], 1e-5f * Math.Max(1, Math.Abs(expectedX[i][j])), $"row {i}, feature {j}");
    }

    [TestMethod]
    public void SizesTheFilesLeaveSymbolicAreWrittenIntoTheGraphsThatRunWithTheSameNumbers()
    {
        // Without Python's exporters: the adapter edits the model the reader parsed, and the nodes and weights stay the file's.
        static void Symbolic(TensorShapeProto.Types.Dimension dim, string name) => dim.DimParam = name;
        var folder = Edited(["encoder.onnx", "decoder.onnx"], m =>
        {
            var values = m.Graph.Output.Concat(m.Graph.Input.Where(v => v.Name == "z"));
            foreach (var value in values) Symbolic(value.Type.TensorType.Shape.Dim[1], value.Name == "x_hat" ? "D" : "L");
        });
        var adapted = VaeModel.Load(folder);
        var original = VaeModel.Load(ModelPairs.Tabular);
        Assert.IsTrue(adapted.GraphsAdapted);
        Assert.AreEqual((original.InputDim, original.LatentDim), (adapted.InputDim, adapted.LatentDim));
        var ml = new MLContext(1);
        var random = new Random(7);
        var data = FeatureRow.View(ml, Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 40)).ToArray()).ToArray(), 5);
        float[] Scores(VaeModel model) => ml.Transforms.VaeAnomalyScore(model).Fit(data).Transform(data).GetColumn<float>("Score").ToArray();
        CollectionAssert.AreEqual(Scores(original), Scores(adapted));
    }

    [TestMethod]
    public void DamagedMetadataValuesNameTheKey()
    {
        void Expect(string file, Action<ModelProto> edit, string text)
        {
            var folder = Edited(file, edit);
            var e = Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(folder));
            StringAssert.Contains(e.Message, Path.Combine(folder, file));
            StringAssert.Contains(e.Message, text);
        }
        StringEntry Entry(ModelProto m, string key) => m.MetadataProps.Single(p => p.Key == key);

        Expect("encoder.onnx", m => Entry(m, "vaeonnx.latent_dim").Value = "1x1x1", "metadata latent_dim 1x1x1 disagrees with the graph's");
        Expect("encoder.onnx", m => Entry(m, "vaeonnx.likelihood").Value = "poisson", "metadata likelihood 'poisson'; expected bernoulli, gaussian or mixed");
        Expect("decoder.onnx", m => m.MetadataProps.Add(Entry(m, "vaeonnx.role").Clone()), "holds the key 'vaeonnx.role' twice");
    }

    [TestMethod]
    public void EncoderAndDecoderFromDifferentExportsAreRefused()
    {
        var other = Path.Combine(RepoPaths.NewTempFolder("reexport"), "model");
        // Same shapes, different export: the pair ids differ.
        var first = VaeModel.Load(ModelPairs.Tabular);
        var reexported = ReExport(ModelPairs.Tabular, other);
        var mixed = Folder(Path.Combine(ModelPairs.Tabular, "encoder.onnx"), Path.Combine(reexported, "decoder.onnx"));
        var e = Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(mixed));
        StringAssert.Contains(e.Message, "pair id");
        StringAssert.Contains(e.Message, first.PairId);
    }

    private static string ReExport(string modelFolder, string output)
    {
        // Rewrite the pair id in a copy of the decoder's metadata with our own reader/writer.
        var model = VaeOnnx.Contract.Onnx.OnnxFile.ReadModel(Path.Combine(modelFolder, "decoder.onnx"));
        foreach (var entry in model.MetadataProps)
            if (entry.Key == VaeOnnx.Contract.VaeMetadataKeys.PairId) entry.Value = "another-export";
        Directory.CreateDirectory(output);
        File.WriteAllBytes(Path.Combine(output, "decoder.onnx"), Google.Protobuf.MessageExtensions.ToByteArray(model));
        return output;
    }

    [TestMethod]
    public void CudaRequestFallsBackToCpuWithOneWarningOrFailsWhenFallbackIsOff()
    {
        var warnings = new List<string>();
        var options = new VaeSessionOptions { Provider = VaeExecutionProvider.Cuda, Log = warnings.Add };
        var model = VaeModel.Load(ModelPairs.Tabular, options);
        var ml = new MLContext(1);
        var data = FeatureRow.View(ml, [[1f, 2f, 3f, 4f, 5f]], 5);
        var mu = ml.Transforms.VaeEncode(model).Append(ml.Transforms.VaeDecode(model, "Mu")).Fit(data).Transform(data).GetColumn<VBuffer<float>>("Mu").Single();
        Assert.AreEqual(2, mu.Length);
        Assert.AreEqual(1, warnings.Count, string.Join("\n", warnings));
        StringAssert.Contains(warnings[0], "CUDA");
        StringAssert.Contains(warnings[0], "CPU");

        // The warning came at load, the provider the pair runs on says so, and scoring opened no second warning.
        Assert.AreEqual(VaeExecutionProvider.Cpu, model.ExecutionProvider);
        Assert.AreEqual(VaeExecutionProvider.Cpu, VaeModel.Load(ModelPairs.Tabular).ExecutionProvider);

        // Strict CUDA is refused by Load itself, naming the file and what to install, not later by Fit.
        var strictOptions = new VaeSessionOptions { Provider = VaeExecutionProvider.Cuda, AllowCpuFallback = false, Log = warnings.Add };
        var e = Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(ModelPairs.Tabular, strictOptions));
        StringAssert.Contains(e.Message, Path.Combine(ModelPairs.Tabular, "encoder.onnx"));
        StringAssert.Contains(e.Message, "CUDA execution provider is not in the installed ONNX Runtime (providers: CPUExecutionProvider)");
        StringAssert.Contains(e.Message, "CPU fallback is off");
        StringAssert.Contains(e.Message, "VaeOnnx.Inference.Gpu");
        Assert.AreEqual(1, warnings.Count, "the refusal is an error, not a warning");

        // Options copied from ones that already fell back keep the failure, and a strict copy still refuses.
        e = Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(ModelPairs.Tabular, options with { AllowCpuFallback = false }));
        StringAssert.Contains(e.Message, "CPU fallback is off");
        Assert.AreEqual(VaeExecutionProvider.Cpu, VaeModel.Load(ModelPairs.Tabular, options with { BlockSize = 7 }).ExecutionProvider);
        Assert.AreEqual(1, warnings.Count, "one warning for the options and their copies");
    }
}
