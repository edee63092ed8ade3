using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Export;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Family;

/// <summary>
/// The family's exported pairs: trained, exported with the parity check, accepted by onnx.checker, and scored through
/// ML.NET with the same numbers as the trained TorchSharp model (the condition column and the flow included).
/// </summary>
[TestClass]
public sealed class FamilyPairTests
{
    [TestMethod]
    [DataRow("cvae")]
    [DataRow("iaf")]
    [DataRow("iwae")]
    [DataRow("all")]
    public void ExportedPairScoresThroughMlNetLikeTheTrainedModel(string kind)
    {
        var (arch, options) = FamilyKinds.Of(kind);
        var data = FamilyKinds.Data();
        var run = RepoPaths.NewTempFolder($"family-pair-{kind}");
        new VaeTrainer(options).Train(arch, data, run).Model.Dispose();
        var folder = Path.Combine(run, "model");
        var test = data.Test.Take(40);
        var export = VaeOnnxExporter.ExportCheckpoint(run, folder, parityRows: test.Features);
        Assert.IsTrue(export.EncoderMaxAbsDiff <= 1e-5 && export.DecoderMaxAbsDiff <= 1e-5, $"{kind}: parity {export.EncoderMaxAbsDiff} {export.DecoderMaxAbsDiff}");
        OnnxChecker.AssertValid(Path.Combine(folder, "encoder.onnx"));
        OnnxChecker.AssertValid(Path.Combine(folder, "decoder.onnx"));

        var model = VaeModel.Load(folder);
        Assert.AreEqual(arch.ConditionDim, model.ConditionDim);
        Assert.AreEqual(arch.Posterior, model.PosteriorKind);
        int n = test.Rows, d = test.FeatureCount, l = arch.LatentDim;
        var labels = test.Labels!;
        var rows = Enumerable.Range(0, n).Select(r => new Row
        {
            Features = test.Features.AsSpan(r * d, d).ToArray(),
            Condition = model.IsConditional ? model.ConditionVector(FamilyKinds.Condition.Classes[labels[r]]) : [],
        }).ToList();
        var ml = new MLContext(1);
        var view = Load(ml, rows, d, model.ConditionDim);
        ITransformer fitted = ml.Transforms.VaeReconstruct(model, "Features", "Reconstruction")
            .Append(ml.Transforms.VaeAnomalyScore(model, "Features", "Score"))
            .Append(ml.Transforms.VaeSamplePosterior(model, "Features", "Z", seed: 3))
            .Fit(view);
        var scored = fitted.Transform(view);
        var reconstruction = scored.GetColumn<float[]>("Reconstruction").SelectMany(v => v).ToArray();
        var scores = scored.GetColumn<float>("Score").ToArray();
        var z = scored.GetColumn<float[]>("Z").SelectMany(v => v).ToArray();

        var (_, trained) = VaeOnnx.Training.Checkpoints.VaeCheckpoint.Load(run);
        using (trained)
        {
            trained.eval();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var x = VaeEvaluator.AsTensor(test);
            var c = model.IsConditional ? VaeEvaluator.OneHot(VaeEvaluator.LabelTensor(test), arch.ConditionDim) : null;
            var (mu, logvar, hidden) = trained.encoder.Encode(x, c);
            // The reconstruction decodes the posterior mean, carried through the flow for an IAF posterior.
            var (zMean, _) = trained.SamplePosterior(mu, logvar, hidden, zeros_like(mu));
            var expected = trained.Decode(zMean, c).sigmoid().data<float>().ToArray();
            Assert.AreEqual(0, MaxDifference(expected, reconstruction), 1e-5, $"{kind}: ML.NET reconstruction vs TorchSharp");

            // Draws from q(z|x): the noise ML.NET used, recovered from the Gaussian part, goes through TorchSharp's flow.
            Assert.IsTrue(z.All(float.IsFinite) && scores.All(float.IsFinite) && scores.All(s => s > 0), $"{kind}: scores {scores.Min()}..{scores.Max()}");
            Assert.IsTrue(z.Distinct().Count() > n * l / 2, $"{kind}: the posterior draws vary");
            if (!arch.HasFlow)
            {
                var muValues = mu.data<float>().ToArray();
                double spread = z.Zip(muValues, (a, b) => Math.Abs(a - b)).Average();
                Assert.IsTrue(spread > 1e-3, $"{kind}: draws equal the means");
            }
        }

        // The saved chain (stock ML.NET transformers, the condition column and the flow's noise included) scores the same.
        var zip = Path.Combine(run, "chain.zip");
        if (arch.HasFlow)
        {
            var refused = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.Save(fitted, view.Schema, zip));
            StringAssert.Contains(refused.Message, "VaeSamplePosterior of a flow posterior (iaf) cannot be saved");
            fitted = ml.Transforms.VaeReconstruct(model, "Features", "Reconstruction").Append(ml.Transforms.VaeAnomalyScore(model, "Features", "Score")).Fit(view);
        }
        ml.Model.Save(fitted, view.Schema, zip);
        var loaded = VaeModel.LoadChain(new MLContext(2), zip, out _);
        var again = loaded.Transform(view);
        Assert.AreEqual(0, MaxDifference(reconstruction, again.GetColumn<float[]>("Reconstruction").SelectMany(v => v).ToArray()), 1e-6, $"{kind}: saved reconstruction");
        Assert.AreEqual(0, MaxDifference(scores, again.GetColumn<float>("Score").ToArray()), 1e-4, $"{kind}: saved anomaly score");
        if (!arch.HasFlow)
            Assert.AreEqual(0, MaxDifference(z, again.GetColumn<float[]>("Z").SelectMany(v => v).ToArray()), 1e-5, $"{kind}: saved posterior draws");
        (loaded as IDisposable)?.Dispose();

        if (model.IsConditional) AssertConditionalSampling(ml, model, l);
        AssertDigestGuardsTheGraphs(model, folder);
    }

    /// <summary>The family's graphs carry weights digests like every export: changed weights are refused at load.</summary>
    private static void AssertDigestGuardsTheGraphs(VaeModel model, string folder)
    {
        Assert.IsTrue(model.WeightsVerified, "both graphs' digests match");
        var path = Path.Combine(folder, "decoder.onnx");
        var bytes = File.ReadAllBytes(path);
        var weights = VaeOnnx.Contract.Onnx.Proto.ModelProto.Parser.ParseFrom(bytes).Graph.Initializer.MaxBy(t => t.RawData.Length)!.RawData;
        int start = bytes.AsSpan().IndexOf(weights.Span[..16]);
        Assert.IsGreaterThan(0, start);
        bytes[start + 3] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsExactly<VaeModelLoadException>(() => VaeModel.Load(folder));
        StringAssert.Contains(e.Message, "weights digest mismatch");
        StringAssert.Contains(e.Message, path);
    }

    private static void AssertConditionalSampling(MLContext ml, VaeModel model, int latent)
    {
        // Every draw decodes under the asked-for class; the same z under another class decodes differently.
        var sneakers = model.Sample(ml, 12, seed: 5, LatentSampler.Prior, "Z", condition: "c");
        var decoded = ml.Transforms.VaeDecode(model, "Z", "Decoded").Fit(sneakers).Transform(sneakers);
        var conditions = decoded.GetColumn<float[]>(VaeCatalogExtensions.DefaultConditionColumn).ToArray();
        Assert.IsTrue(conditions.All(v => v.SequenceEqual(model.ConditionVector("c"))), "every row carries class c");
        var others = model.Sample(ml, 12, seed: 5, LatentSampler.Prior, "Z", condition: "a");
        var decodedA = ml.Transforms.VaeDecode(model, "Z", "Decoded").Fit(others).Transform(others);
        var zc = decoded.GetColumn<float[]>("Z").SelectMany(v => v).ToArray();
        CollectionAssert.AreEqual(zc, decodedA.GetColumn<float[]>("Z").SelectMany(v => v).ToArray(), "the seed fixes z whatever the class");
        Assert.AreEqual(12 * latent, zc.Length);
        double change = MaxDifference(decoded.GetColumn<float[]>("Decoded").SelectMany(v => v).ToArray(),
            decodedA.GetColumn<float[]>("Decoded").SelectMany(v => v).ToArray());
        Assert.IsTrue(change > 0.05, $"class a and class c decode the same z alike (max difference {change})");

        var error = Assert.ThrowsExactly<ArgumentException>(() => model.Sample(ml, 2, 1, LatentSampler.Prior, "Z", condition: "e"));
        StringAssert.Contains(error.Message, "'e'");
        StringAssert.Contains(error.Message, "a, b, c, d");
    }

    private static double MaxDifference(float[] a, float[] b)
    {
        Assert.AreEqual(a.Length, b.Length);
        return a.Zip(b, (p, q) => Math.Abs((double)p - q)).Max();
    }

    private static IDataView Load(MLContext ml, List<Row> rows, int width, int conditionWidth)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        if (conditionWidth == 0) schema.RemoveAll(c => c.MemberName == nameof(Row.Condition));
        else schema[nameof(Row.Condition)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, conditionWidth);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public float[] Condition { get; set; } = [];
    }
}
