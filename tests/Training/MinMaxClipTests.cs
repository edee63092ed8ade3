using VaeOnnx.Contract.Onnx;
using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Export;

using VaeOnnx.Tests.Export;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Training;

/// <summary>
/// Min-max scaling for a Bernoulli decoder is fitted on the training rows only, so held-out rows can leave [0,1]; the
/// data loader clips them (binary cross-entropy is unbounded below for targets outside [0,1]) and so does the exported encoder.
/// </summary>
[TestClass]
public sealed class MinMaxClipTests
{
    private const int Rows = 200;
    private static readonly (double Min, double Max)[] TrainingRanges = [(0, 30), (990, 1030), (0, 1)];

    /// <summary>A CSV whose test rows (the splitter's choice for seed 1, known in advance) lie mostly outside the training range.</summary>
    private static (string Path, HashSet<int> TestRows, float[][] Values) WriteCsv()
    {
        int held = (int)Math.Round(0.2 * Rows);
        var testRows = DatasetSplitter.Permutation(Rows, 1)[..held].ToHashSet();
        var random = new Random(4);
        var values = new float[Rows][];
        var csv = new StringBuilder("temperature,pressure,flow\n");
        for (int r = 0; r < Rows; r++)
        {
            values[r] = new float[3];
            for (int j = 0; j < 3; j++)
            {
                var (min, max) = TrainingRanges[j];
                double u = random.NextDouble();
                // Test rows go up to one span beyond either end of the training range, a quarter of them inside it.
                double v = testRows.Contains(r)
                    ? (r % 4 == 0 ? min + u * (max - min) : r % 2 == 0 ? max + u * (max - min) : min - u * (max - min))
                    : min + u * (max - min);
                values[r][j] = (float)v;
            }
            csv.Append(string.Join(",", values[r].Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
        }
        var path = System.IO.Path.Combine(RepoPaths.NewTempFolder("clip"), "sensors.csv");
        File.WriteAllText(path, csv.ToString());
        return (path, testRows, values);
    }

    [TestMethod]
    public void OutOfRangeTestRowsAreClippedInTrainingEvaluationAndTheExportedEncoder()
    {
        var (csv, testRows, values) = WriteCsv();
        var data = TrainingDataLoader.Load(new DataSourceOptions { Path = csv, TestFraction = 0.2, Seed = 1 }, Likelihood.Bernoulli);
        Assert.AreEqual(Rows - testRows.Count, data.Train.Rows);
        Assert.AreEqual(testRows.Count, data.Test.Rows);

        // Offset and scale come from the training rows only: their min and 1 / (max - min), not the whole file's.
        Assert.AreEqual(ScalingKind.MinMax, data.Scaling.Kind);
        var train = Enumerable.Range(0, Rows).Where(r => !testRows.Contains(r)).Select(r => values[r]).ToArray();
        for (int j = 0; j < 3; j++)
        {
            double min = train.Min(v => v[j]), max = train.Max(v => v[j]);
            Assert.AreEqual((float)min, data.Scaling.Offset[j], $"offset {j}");
            Assert.AreEqual((float)(1.0 / (max - min)), data.Scaling.Scale[j], $"scale {j}");
            Assert.IsTrue(values.Min(v => v[j]) < min - 1e-3 * (max - min) && values.Max(v => v[j]) > max + 1e-3 * (max - min),
                $"feature {j}: the whole file spans more than the training rows, so fitting on it would give other figures");
        }

        // Every split in [0,1]; the out-of-range test values sit on the bounds.
        Assert.IsTrue(data.Train.Features.All(v => v is >= 0 and <= 1));
        Assert.IsTrue(data.Test.Features.All(v => v is >= 0 and <= 1));
        int onBounds = data.Test.Features.Count(v => v is 0 or 1);
        Assert.IsTrue(onBounds >= data.Test.Features.Length / 2, $"{onBounds} of {data.Test.Features.Length} test values clipped");

        // Training and the per-epoch test figure: with targets in [0,1], BCE is at least the targets' entropy (>= 0), so
        // the negative ELBO is finite and non-negative; an unclipped target of 2 makes it fall without bound.
        var folder = RepoPaths.NewTempFolder("clip-train");
        var arch = new VaeArchitecture { InputShape = [3], Hidden = [8], LatentDim = 2 };
        var result = new VaeTrainer(new TrainingOptions { Epochs = 3, BatchSize = 32, LearningRate = 1e-2, Seed = 2, Threads = 1 }).Train(arch, data, folder);
        result.Model.Dispose();
        foreach (var m in result.Checkpoint.Metrics)
            Assert.IsTrue(double.IsFinite(m.TestNegElbo) && m.TestRecon >= 0 && m.TestKl >= 0, $"epoch {m.Epoch}: {m.TestNegElbo} ({m.TestRecon} + {m.TestKl})");

        // `vae eval` reloads the test split through the checkpoint's scaling: clipped the same way.
        var info = VaeCheckpoint.ReadInfo(folder);
        CollectionAssert.AreEqual(data.Test.Features, TrainingDataLoader.LoadTest(info, null).Features);

        // Export with the raw, out-of-range test rows as the parity batch (as `vae export` does): the encoder graph clips too.
        var raw = TrainingDataLoader.LoadTest(info with { Scaling = FeatureScaling.Identity(3) }, null).Features;
        Assert.IsTrue(raw.Where((v, i) => v < info.Scaling.Offset[i % 3]).Any(), "raw parity rows below the training range");
        var modelFolder = Path.Combine(RepoPaths.NewTempFolder("clip-export"), "model");
        var export = VaeOnnxExporter.ExportCheckpoint(folder, modelFolder, parityRows: raw);
        Assert.IsTrue(export.EncoderMaxAbsDiff <= 1e-5 && export.DecoderMaxAbsDiff <= 1e-5, $"{export.EncoderMaxAbsDiff} {export.DecoderMaxAbsDiff}");
        var (_, model) = VaeCheckpoint.Load(folder);
        using (model)
        {
            var d = new ExportDescription(info.Scaling, info.Dataset, null, "{}");
            Assert.IsTrue(VaeOnnxExporterTests.MaxDifference(model, d, modelFolder, raw) <= 1e-5);
        }
        var summary = OnnxFile.Read(Path.Combine(modelFolder, ModelCard.EncoderFileName));
        Assert.AreEqual(1, summary.Operators["Clip"]);

        // A row far outside the range encodes exactly as a row just outside it: both reach the encoder as the bounds.
        float[] far = [1e6f, -1e6f, 5f];
        float[] edge = [(float)train.Max(v => v[0]) + 1, (float)train.Min(v => v[1]) - 1, (float)train.Max(v => v[2]) + 0.1f];
        using var session = new InferenceSession(Path.Combine(modelFolder, ModelCard.EncoderFileName));
        using var runOptions = new RunOptions();
        float[] Encode(float[] row)
        {
            using var x = OrtValue.CreateTensorValueFromMemory(row, [1, 3]);
            using var outputs = session.Run(runOptions, ["x"], [x], ["mu"]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        CollectionAssert.AreEqual(Encode(edge), Encode(far));
        OnnxChecker.AssertValid(Path.Combine(modelFolder, ModelCard.EncoderFileName));
    }

    [TestMethod]
    public void OnlyMinMaxScalingForABernoulliDecoderClips()
    {
        var fit = new VaeDataset("fit", [0, 10, 1, 20, 2, 30], 3, 2);
        var minmax = DatasetScaling.Fit(fit, ScalingKind.MinMax);
        Assert.IsTrue(minmax.ClipsToUnitInterval(Likelihood.Bernoulli));
        Assert.IsFalse(minmax.ClipsToUnitInterval(Likelihood.Gaussian));
        Assert.IsFalse(DatasetScaling.Fit(fit, ScalingKind.Standardize).ClipsToUnitInterval(Likelihood.Bernoulli));
        Assert.IsFalse(FeatureScaling.Identity(2).ClipsToUnitInterval(Likelihood.Bernoulli), "images are in [0,1] already: their graph is unchanged");

        var outside = new VaeDataset("out", [-1, 40, 1.5f, 15], 2, 2);
        CollectionAssert.AreEqual(new[] { 0f, 1f, 0.75f, 0.25f }, minmax.Apply(outside, clipToUnitInterval: true).Features);
        CollectionAssert.AreEqual(new[] { -0.5f, 1.5f, 0.75f, 0.25f }, minmax.Apply(outside).Features);
        // A min-max fit that is the identity (the training range is already [0,1]) still clips.
        var unit = DatasetScaling.Fit(new VaeDataset("unit", [0, 1, 1, 0], 2, 2), ScalingKind.MinMax);
        Assert.IsTrue(unit.IsIdentity);
        CollectionAssert.AreEqual(new[] { 0f, 1f, 1f, 1f }, unit.Apply(outside, clipToUnitInterval: true).Features);
    }
}
