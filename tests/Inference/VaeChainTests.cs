using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Data;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Tests.Inference;

[TestClass]
public sealed class VaeChainTests
{
    private static float[][] TestImages(int count)
    {
        var (_, test) = MnistFamilyFolder.Load(ShippedSampleTests.Folder);
        return Enumerable.Range(0, count).Select(i => test.Row(i).ToArray()).ToArray();
    }

    private static (float[] Mu, float[] LogVar, float[] XHat) DirectOrt(VaeModel model, float[][] rows)
    {
        int n = rows.Length;
        using var encoder = new InferenceSession(model.EncoderPath);
        using var decoder = new InferenceSession(model.DecoderPath);
        using var x = OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r).ToArray(), [n, model.InputDim]);
        using var encoded = encoder.Run(new RunOptions(), [model.EncoderInput], [x], [model.EncoderMu, model.EncoderLogVar]);
        var mu = encoded[0].GetTensorDataAsSpan<float>().ToArray();
        var logvar = encoded[1].GetTensorDataAsSpan<float>().ToArray();
        using var z = OrtValue.CreateTensorValueFromMemory(mu, [n, model.LatentDim]);
        using var decoded = decoder.Run(new RunOptions(), [model.DecoderInput], [z], [model.DecoderOutput]);
        return (mu, logvar, decoded[0].GetTensorDataAsSpan<float>().ToArray());
    }

    private static float[] Flatten(IDataView view, string column) =>
        view.GetColumn<VBuffer<float>>(column).SelectMany(v => v.DenseValues()).ToArray();

    private static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        double max = expected.Zip(actual, (a, b) => (double)Math.Abs(a - b)).Max();
        Assert.IsTrue(max <= tolerance, $"{what}: max |diff| {max}");
    }

    [TestMethod]
    public void EncodeDecodeAndReconstructEqualDirectOnnxRuntime()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(ModelPairs.Image);
        var rows = TestImages(25);
        var data = FeatureRow.View(ml, rows, 784);
        var chain = ml.Transforms.VaeEncode(model).Append(ml.Transforms.VaeDecode(model, "Mu", "Decoded")).Append(ml.Transforms.VaeReconstruct(model));
        var output = chain.Fit(data).Transform(data);
        var (mu, logvar, xHat) = DirectOrt(model, rows);
        AssertClose(mu, Flatten(output, "Mu"), 1e-6, "mu");
        AssertClose(logvar, Flatten(output, "LogVar"), 1e-6, "logvar");
        AssertClose(xHat, Flatten(output, "Decoded"), 1e-6, "decode(mu)");
        AssertClose(xHat, Flatten(output, "Reconstruction"), 1e-6, "reconstruct");
        Assert.IsNull(output.Schema.GetColumnOrNull("__vae_mu"), "intermediate columns are dropped");
        Assert.AreEqual(6, model.LatentDim);
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, model.InputShape.ToArray());
    }

    [TestMethod]
    public void AnomalyScoreEqualsTheNegativeElboComputedByHand()
    {
        var ml = new MLContext(1);
        foreach (var folder in new[] { ModelPairs.Tabular, ModelPairs.Image })
        {
            var model = VaeModel.Load(folder);
            var random = new Random(9);
            var rows = folder == ModelPairs.Tabular
                ? Enumerable.Range(0, 12).Select(_ => new[] { (float)(100 + 30 * random.NextDouble()), (float)(random.NextDouble() * 10 - 5), (float)random.NextDouble(), 0.005f, 45f }).ToArray()
                : TestImages(12);
            var output = ml.Transforms.VaeAnomalyScore(model).Fit(FeatureRow.View(ml, rows, model.InputDim)).Transform(FeatureRow.View(ml, rows, model.InputDim));
            var scores = output.GetColumn<float>("Score").ToArray();
            var recon = output.GetColumn<float>("Score_recon").ToArray();
            var kl = output.GetColumn<float>("Score_kl").ToArray();
            var sqerr = output.GetColumn<float>("Score_sqerr").ToArray();
            var (mu, logvar, xHat) = DirectOrt(model, rows);
            int d = model.InputDim, l = model.LatentDim;
            for (int r = 0; r < rows.Length; r++)
            {
                double expectedRecon = 0, expectedKl = 0, expectedSq = 0;
                for (int j = 0; j < d; j++)
                {
                    double s = (rows[r][j] - model.Scaling.Offset[j]) * model.Scaling.Scale[j];
                    double m = (xHat[r * d + j] - model.Scaling.Offset[j]) * model.Scaling.Scale[j];
                    if (model.Likelihood == Likelihood.Bernoulli)
                    {
                        double p = Math.Clamp(m, 1e-7, 1 - 1e-7);
                        expectedRecon -= s * Math.Log(p) + (1 - s) * Math.Log(1 - p);
                    }
                    else
                    {
                        double lv = model.DecoderLogVar![j];
                        expectedRecon += 0.5 * (Math.Log(2 * Math.PI) + lv + (s - m) * (s - m) / Math.Exp(lv));
                    }
                    expectedSq += Math.Pow(rows[r][j] - xHat[r * d + j], 2);
                }
                for (int k = 0; k < l; k++)
                    expectedKl += -0.5 * (1 + logvar[r * l + k] - mu[r * l + k] * mu[r * l + k] - Math.Exp(logvar[r * l + k]));
                double tolerance = 1e-4 * Math.Max(1, Math.Abs(expectedRecon));
                Assert.AreEqual(expectedRecon, recon[r], tolerance, $"{model.Likelihood} recon row {r}");
                Assert.AreEqual(expectedKl, kl[r], 1e-4 * Math.Max(1, expectedKl), $"kl row {r}");
                Assert.AreEqual(expectedRecon + expectedKl, scores[r], tolerance + 1e-4 * Math.Max(1, expectedKl), $"score row {r}");
                Assert.AreEqual(expectedSq, sqerr[r], 1e-4 * Math.Max(1, expectedSq), $"sqerr row {r}");
            }
        }
    }

    [TestMethod]
    public void UnusualRowsScoreHigher()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(ModelPairs.Image);
        var normal = TestImages(50);
        var random = new Random(2);
        var noise = Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, 784).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        var transformer = ml.Transforms.VaeAnomalyScore(model).Fit(FeatureRow.View(ml, normal, 784));
        var normalScores = transformer.Transform(FeatureRow.View(ml, normal, 784)).GetColumn<float>("Score").ToArray();
        var noiseScores = transformer.Transform(FeatureRow.View(ml, noise, 784)).GetColumn<float>("Score").ToArray();
        Assert.IsTrue(noiseScores.Min() > normalScores.Max(), $"noise min {noiseScores.Min()} vs clothing max {normalScores.Max()}");
    }

    [TestMethod]
    public void SampleLatentIsReproducibleAndHasTheRightMoments()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(ModelPairs.Image);
        int n = 20000;
        var mu = Enumerable.Range(0, 6).Select(j => (float)(j - 2.5)).ToArray();
        var logvar = Enumerable.Range(0, 6).Select(j => (float)Math.Log(0.25 + j)).ToArray();
        // Distinct rows (the noise is a function of each row's values): a shift of 1e-6 per row leaves the moments unchanged.
        var rows = Enumerable.Range(0, n).Select(r => new LatentParameters { Mu = mu.Select(m => m + r * 1e-6f).ToArray(), LogVar = logvar }).ToList();
        var schema = SchemaDefinition.Create(typeof(LatentParameters));
        schema["Mu"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 6);
        schema["LogVar"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 6);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        float[] Draw(int seed) => Flatten(ml.Transforms.VaeSampleLatent(model, seed: seed).Fit(data).Transform(data), "Z");
        var first = Draw(5);
        CollectionAssert.AreEqual(first, Draw(5), "same seed, same draws");
        CollectionAssert.AreNotEqual(first, Draw(6));
        var sampled = ml.Transforms.VaeSampleLatent(model, seed: 5).Fit(data);
        var zip = Path.Combine(RepoPaths.NewTempFolder("sample-zip"), "sample.zip");
        ml.Model.Save(sampled, data.Schema, zip);
        var fresh = new MLContext(3);
        VaeModel.Register(fresh);
        CollectionAssert.AreEqual(first, Flatten(fresh.Model.Load(zip, out _).Transform(data), "Z"), "a reloaded chain draws the same");
        for (int j = 0; j < 6; j++)
        {
            var values = Enumerable.Range(0, n).Select(r => (double)first[r * 6 + j]).ToArray();
            double mean = values.Average(), variance = values.Select(v => (v - mean) * (v - mean)).Average();
            double expectedVariance = Math.Exp(logvar[j]);
            Assert.AreEqual(mu[j], mean, 4 * Math.Sqrt(expectedVariance / n) + 1e-3, $"mean of dim {j}");
            Assert.AreEqual(expectedVariance, variance, 0.05 * expectedVariance, $"variance of dim {j}");
        }
    }

    private sealed class LatentParameters
    {
        public float[] Mu { get; set; } = [];
        public float[] LogVar { get; set; } = [];
    }

    [TestMethod]
    public void PriorSamplesAreStandardNormalAndDecode()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(ModelPairs.Image);
        var prior = model.SamplePrior(ml, 20000, seed: 3);
        var z = Flatten(prior, "z");
        Assert.AreEqual(20000 * 6, z.Length);
        Assert.AreEqual(0, z.Average(), 0.02);
        Assert.AreEqual(1, z.Select(v => (double)v * v).Average(), 0.03);
        CollectionAssert.AreEqual(z.Take(60).ToArray(), Flatten(model.SamplePrior(ml, 10, seed: 3), "z"));
        var images = Flatten(ml.Transforms.VaeDecode(model, "z", "Image").Fit(prior).Transform(model.SamplePrior(ml, 8, 3)), "Image");
        Assert.AreEqual(8 * 784, images.Length);
        Assert.IsTrue(images.All(p => p >= 0 && p <= 1), "Bernoulli decoder gives probabilities");
    }

    [TestMethod]
    public void FittedChainRoundTripsThroughModelSaveWithTheOnnxBytesInside()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(ModelPairs.Tabular);
        var random = new Random(3);
        var rows = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, 5).Select(j => (float)(random.NextDouble() * 10)).ToArray()).ToArray();
        var data = FeatureRow.View(ml, rows, 5);
        var fitted = ml.Transforms.VaeReconstruct(model).Append(ml.Transforms.VaeAnomalyScore(model)).Fit(data);
        var expected = fitted.Transform(data);
        var zip = Path.Combine(RepoPaths.NewTempFolder("zip"), "chain.zip");
        ml.Model.Save(fitted, data.Schema, zip);
        using (var archive = System.IO.Compression.ZipFile.OpenRead(zip))
            Assert.IsTrue(archive.Entries.Sum(e => e.Length) > new FileInfo(model.EncoderPath).Length + new FileInfo(model.DecoderPath).Length,
                "the zip carries the graphs, not paths to them");

        var fresh = new MLContext(2);
        VaeModel.Register(fresh);
        var loaded = fresh.Model.Load(zip, out var schema);
        var actual = loaded.Transform(FeatureRow.View(fresh, rows, 5));
        CollectionAssert.AreEqual(expected.GetColumn<float>("Score").ToArray(), actual.GetColumn<float>("Score").ToArray());
        CollectionAssert.AreEqual(Flatten(expected, "Reconstruction"), Flatten(actual, "Reconstruction"));
    }

    [TestMethod]
    public void PredictionEngineScoresSingleRowsLikeTheBatch()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(ModelPairs.Image);
        var rows = TestImages(5);
        var data = FeatureRow.View(ml, rows, 784);
        var fitted = ml.Transforms.VaeReconstruct(model).Append(ml.Transforms.VaeAnomalyScore(model)).Fit(data);
        var batch = fitted.Transform(data).GetColumn<float>("Score").ToArray();
        var outputSchema = SchemaDefinition.Create(typeof(ScoreRow), SchemaDefinition.Direction.Read);
        outputSchema["Reconstruction"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 784);
        using var engine = ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(fitted, inputSchemaDefinition: FeatureRow.Schema(784), outputSchemaDefinition: outputSchema);
        for (int i = 0; i < rows.Length; i++)
        {
            var result = engine.Predict(new FeatureRow { Features = rows[i] });
            Assert.AreEqual(batch[i], result.Score, 1e-4);
            Assert.AreEqual(result.Score_recon + result.Score_kl, result.Score, 1e-3);
            Assert.AreEqual(784, result.Reconstruction.Length);
        }
    }

    [TestMethod]
    public void LatentMeansFeedAnMlNetClassifier()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(ModelPairs.Image);
        var (train, test) = MnistFamilyFolder.Load(ShippedSampleTests.Folder);
        IDataView View(VaeDataset d, int count) =>
            FeatureRow.View(ml, Enumerable.Range(0, count).Select(i => d.Row(i).ToArray()), 784, d.Labels!.Take(count));
        var pipeline = ml.Transforms.VaeEncode(model)
            .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label"))
            .Append(ml.Transforms.Concatenate("LatentFeatures", "Mu"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "LatentFeatures"));
        var fitted = pipeline.Fit(View(train, 2000));
        var metrics = ml.MulticlassClassification.Evaluate(fitted.Transform(View(test, 1000)), "LabelKey");
        Assert.IsTrue(metrics.MacroAccuracy > 0.55, $"accuracy on 6 latent means {metrics.MacroAccuracy} (chance 0.1)");
    }
}
