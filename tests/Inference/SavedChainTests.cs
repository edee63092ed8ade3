using System.IO.Compression;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract.Onnx.Proto;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Transforms;

namespace VaeOnnx.Tests.Inference;

/// <summary>
/// Saved chains: <c>mlContext.Model.Load</c> and <see cref="VaeModel.LoadChain(MLContext, string, out DataViewSchema, VaeSessionOptions?)"/>
/// give the fitted chain's numbers, the second with the block-scoring transformers back in place; zips written before
/// the segment marker still load.
/// </summary>
[TestClass]
public sealed class SavedChainTests
{
    private static readonly string SensorsA = Path.Combine(RepoPaths.Root, "tests", "Fixtures", "sensors-a");
    private static readonly string LegacyZips = Path.Combine(RepoPaths.Root, "tests", "Fixtures", "saved-chains-1.0");

    private static float[][] Rows(int count, int width, int seed, double scale)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, width).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray()).ToArray();
    }

    private static IDataView ZView(MLContext ml, float[][] rows, int latent) => ml.Data.LoadFromEnumerable(
        rows.Select(r => new LatentRow { Z = r }), LatentRow.Schema(latent));

    /// <summary>Every output column of the chain, flattened per column, read in one pass.</summary>
    private static Dictionary<string, float[]> Outputs(ITransformer chain, IDataView input, params string[] columns)
    {
        var view = chain.Transform(input);
        return columns.ToDictionary(c => c, c => view.Schema[c].Type is VectorDataViewType
            ? view.GetColumn<VBuffer<float>>(c).SelectMany(v => v.DenseValues()).ToArray()
            : view.GetColumn<float>(c).ToArray());
    }

    /// <summary>
    /// Bit-identical where both sides score through the VaeOnnx engine; within 1e-6 relative where one side is ML.NET's
    /// per-row chain (ONNX Runtime may sum a batch of rows in another order than one row).
    /// </summary>
    private static void AssertSame(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual, string what, bool exact = true)
    {
        foreach (var (column, values) in expected)
        {
            if (exact)
            {
                CollectionAssert.AreEqual(values, actual[column], $"{what}: column {column}");
                continue;
            }
            Assert.AreEqual(values.Length, actual[column].Length, $"{what}: column {column}");
            for (int i = 0; i < values.Length; i++)
                Assert.AreEqual(values[i], actual[column][i], 1e-6 * Math.Max(1, Math.Abs(values[i])), $"{what}: column {column}, value {i}");
        }
    }

    private static string Save(MLContext ml, ITransformer chain, DataViewSchema schema, string name)
    {
        var zip = Path.Combine(RepoPaths.NewTempFolder("saved-chain"), name + ".zip");
        ml.Model.Save(chain, schema, zip);
        return zip;
    }

    /// <summary>The VaeOnnx transformers anywhere in a (nested) chain.</summary>
    private static List<ITransformer> VaeSteps(ITransformer t) => t switch
    {
        VaeTransformerBase => [t],
        IEnumerable<ITransformer> chain => chain.SelectMany(VaeSteps).ToList(),
        _ => [],
    };

    [TestMethod]
    [DataRow("encode")]
    [DataRow("decode")]
    [DataRow("reconstruct+score")]
    public void LoadChainRestoresBlockScoringWithTheFittedNumbers(string kind)
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(SensorsA);
        bool decode = kind == "decode";
        var input = decode ? ZView(ml, Rows(300, 2, 1, 2), 2) : FeatureRow.View(ml, Rows(300, 5, 1, 30), 5);
        IEstimator<ITransformer> estimator = kind switch
        {
            "encode" => ml.Transforms.VaeEncode(model),
            "decode" => ml.Transforms.VaeDecode(model, "Z", "Decoded"),
            _ => ml.Transforms.VaeReconstruct(model).Append(ml.Transforms.VaeAnomalyScore(model)),
        };
        string[] columns = kind switch
        {
            "encode" => ["Mu", "LogVar"],
            "decode" => ["Decoded"],
            _ => ["Reconstruction", "Score", "Score_recon", "Score_kl", "Score_sqerr"],
        };
        var fitted = estimator.Fit(input);
        var expected = Outputs(fitted, input, columns);
        var zip = Save(ml, fitted, input.Schema, kind);

        var plainContext = new MLContext(2);
        VaeModel.Register(plainContext);
        var plain = plainContext.Model.Load(zip, out var plainSchema);
        Assert.AreEqual(0, VaeSteps(plain).Count, "a plain load gives ML.NET's own transformers");
        AssertSame(expected, Outputs(plain, input, columns), "mlContext.Model.Load", exact: false);

        var reloaded = VaeModel.LoadChain(new MLContext(3), zip, out var schema);
        var steps = VaeSteps(reloaded);
        Assert.AreEqual(kind == "reconstruct+score" ? 2 : 1, steps.Count, "every saved VaeOnnx step is a block-scoring transformer again");
        Assert.IsTrue(steps.All(s => ((VaeTransformerBase)s).PairId == model.PairId));
        Assert.AreEqual(input.Schema.Count, schema.Count);
        AssertSame(expected, Outputs(reloaded, input, columns), "VaeModel.LoadChain");
        CollectionAssert.AreEqual(fitted.GetOutputSchema(input.Schema).Select(c => (c.Name, c.Type.ToString())).ToArray(),
            reloaded.GetOutputSchema(input.Schema).Select(c => (c.Name, c.Type.ToString())).ToArray(), "same output schema");

        // Saved again from the reloaded chain: the marker survives, and the third load is block scoring too.
        var again = VaeModel.LoadChain(new MLContext(4), Save(ml, reloaded, schema, kind + "-again"), out _);
        Assert.AreEqual(steps.Count, VaeSteps(again).Count);
        AssertSame(expected, Outputs(again, input, columns), "saved after LoadChain");
        foreach (var t in new[] { fitted, plain, reloaded, again }) (t as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void ChainsWithMlNetStepsAroundTheVaeStepsKeepTheirStepsAndScopes()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(SensorsA);
        var rows = Rows(200, 5, 2, 30);
        var input = FeatureRow.View(ml, rows, 5, rows.Select(r => r[0] > 0 ? 1 : 0));
        var pipeline = ml.Transforms.NormalizeMinMax("Scaled", "Features")
            .Append(ml.Transforms.VaeEncode(model, "Features", "Mu", "LogVar"))
            .Append(ml.Transforms.Concatenate("Latent", "Mu", "Scaled"))
            .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Latent"));
        var fitted = pipeline.Fit(input);
        var expected = Outputs(fitted, input, "Score", "Mu");
        var reloaded = VaeModel.LoadChain(new MLContext(2), Save(ml, fitted, input.Schema, "classifier"), out _);
        var top = (TransformerChain<ITransformer>)reloaded;
        Assert.AreEqual(5, top.Count());
        Assert.IsInstanceOfType<VaeEncodeTransformer>(top.ElementAt(1));
        AssertSame(expected, Outputs(reloaded, input, "Score", "Mu"), "classifier on the latent means");
        Assert.AreEqual(5, top.GetModelFor(TransformerScope.Scoring).Count(), "scopes kept");
    }

    [TestMethod]
    [DataRow("encode.zip", "Mu,LogVar")]
    [DataRow("decode.zip", "Reconstruction")]
    [DataRow("reconstruct-score.zip", "Reconstruction,Score,Score_recon,Score_kl,Score_sqerr")]
    public void ZipsSavedByVersion1Point0StillLoadWithTheSameNumbers(string zip, string columnList)
    {
        var columns = columnList.Split(',');
        var ml = new MLContext(1);
        var model = VaeModel.Load(SensorsA);
        bool decode = zip == "decode.zip";
        var input = decode ? ZView(ml, Rows(50, 2, 3, 2), 2) : FeatureRow.View(ml, Rows(50, 5, 3, 30), 5);
        IEstimator<ITransformer> estimator = zip switch
        {
            "encode.zip" => ml.Transforms.VaeEncode(model),
            "decode.zip" => ml.Transforms.VaeDecode(model),
            _ => ml.Transforms.VaeReconstruct(model).Append(ml.Transforms.VaeAnomalyScore(model)),
        };
        var expected = Outputs(estimator.Fit(input), input, columns);
        var path = Path.Combine(LegacyZips, zip);
        var plain = new MLContext(2);
        VaeModel.Register(plain);
        AssertSame(expected, Outputs(plain.Model.Load(path, out _), input, columns), "mlContext.Model.Load of a 1.0 zip", exact: false);
        AssertSame(expected, Outputs(VaeModel.LoadChain(new MLContext(3), path, out _), input, columns), "VaeModel.LoadChain of a 1.0 zip", exact: false);
    }

    [TestMethod]
    public void PairsWithoutMetadataReloadWithTheLikelihoodTheyWereScoredWith()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(ModelPairs.Foreign, likelihood: Likelihood.Bernoulli);
        var input = FeatureRow.View(ml, Rows(40, 6, 4, 1).Select(r => r.Select(Math.Abs).ToArray()), 6);
        var fitted = ml.Transforms.VaeAnomalyScore(model).Fit(input);
        var expected = Outputs(fitted, input, "Score", "Score_kl");
        var reloaded = VaeModel.LoadChain(new MLContext(2), Save(ml, fitted, input.Schema, "foreign"), out _);
        var step = (VaeTransformerBase)VaeSteps(reloaded).Single();
        Assert.AreEqual(model.PairId, step.PairId);
        AssertSame(expected, Outputs(reloaded, input, "Score", "Score_kl"), "metadata-free pair");
    }

    [TestMethod]
    public void AStoredGraphThatNoLongerMatchesItsMarkerFallsBackToMlNetWithAWarning()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(SensorsA);
        var input = FeatureRow.View(ml, Rows(30, 5, 5, 30), 5);
        var fitted = ml.Transforms.VaeEncode(model).Fit(input);
        var expected = Outputs(fitted, input, "Mu");
        var zip = Save(ml, fitted, input.Schema, "edited");
        // Rewrite the stored encoder with another doc string: the same computation, other bytes.
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Update))
        {
            var entry = archive.Entries.Single(e => e.Name == "OnnxModel");
            byte[] content;
            using (var s = entry.Open()) { using var m = new MemoryStream(); s.CopyTo(m); content = m.ToArray(); }
            var proto = ModelProto.Parser.ParseFrom(content.AsSpan(4).ToArray());
            proto.DocString = "edited after saving";
            var bytes = proto.ToByteArray();
            var name = entry.FullName;
            entry.Delete();
            using var w = new BinaryWriter(archive.CreateEntry(name).Open());
            w.Write(bytes.Length);
            w.Write(bytes);
        }
        var warnings = new List<string>();
        var reloaded = VaeModel.LoadChain(new MLContext(2), zip, out _, new VaeSessionOptions { Log = warnings.Add });
        Assert.AreEqual(0, VaeSteps(reloaded).Count, "left as ML.NET's own transformers");
        Assert.AreEqual(1, warnings.Count);
        StringAssert.Contains(warnings[0], "not in the zip as recorded");
        StringAssert.Contains(warnings[0], model.PairId);
        AssertSame(expected, Outputs(reloaded, input, "Mu"), "stock fallback", exact: false);
    }

    [TestMethod]
    public void StrictCudaFailsWhileTheChainLoads()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(SensorsA);
        var input = FeatureRow.View(ml, Rows(5, 5, 6, 30), 5);
        var fitted = ml.Transforms.VaeEncode(model).Fit(input);
        var zip = Save(ml, fitted, input.Schema, "cuda");
        var strict = new VaeSessionOptions { Provider = VaeExecutionProvider.Cuda, AllowCpuFallback = false };
        if (Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            // A process with the CUDA provider (the GPU package on a GPU machine): strict mode loads, and the GPU's means
            // agree with the CPU's to float rounding of a different kernel.
            var onGpu = VaeModel.LoadChain(new MLContext(2), zip, out _, strict);
            var cpu = Outputs(fitted, input, "Mu")["Mu"];
            var gpu = Outputs(onGpu, input, "Mu")["Mu"];
            for (int i = 0; i < cpu.Length; i++) Assert.AreEqual(cpu[i], gpu[i], 1e-3 * Math.Max(1, Math.Abs(cpu[i])), $"CUDA vs CPU, value {i}");
            return;
        }
        var error = Assert.ThrowsExactly<VaeModelLoadException>(() => VaeModel.LoadChain(new MLContext(2), zip, out _, strict));
        StringAssert.Contains(error.Message, "CUDA");
    }

    private sealed class LatentRow
    {
        public float[] Z { get; set; } = [];

        public static SchemaDefinition Schema(int size)
        {
            var schema = SchemaDefinition.Create(typeof(LatentRow));
            schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
            return schema;
        }
    }
}
