using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Export;
using VaeOnnx.Tables;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Tables;

/// <summary>TVAE's mode-specific normalisation (<see cref="NumericEncoding.Modes"/>): the mixture fit, and a table model trained, exported and scored with it.</summary>
[TestClass]
public sealed class ModeEncodingTests
{
    [TestMethod]
    public void DigammaMatchesKnownValues()
    {
        Assert.AreEqual(-0.5772156649015329, ModeMixture.Digamma(1), 1e-12);
        Assert.AreEqual(-1.9635100260214235, ModeMixture.Digamma(0.5), 1e-12);
        Assert.AreEqual(2.2517525890667211, ModeMixture.Digamma(10), 1e-12);
    }

    [TestMethod]
    public void TheMixtureFindsTheModesOfABimodalColumnAndDropsTheRest()
    {
        var random = new Random(4);
        var values = Enumerable.Range(0, 1000).Select(i => i < 600 ? Normal(random) : 10 + 0.5 * Normal(random)).ToArray();
        var modes = ModeMixture.Fit(values);
        Assert.IsTrue(modes.Count is >= 2 and <= 10, $"{modes.Count} modes");
        Assert.AreEqual(1.0, modes.Sum(m => m.Weight), 1e-9);
        Assert.IsTrue(modes.All(m => m.Weight > ModeMixture.WeightThreshold));
        var (low, high) = (modes[0].Mean < modes[1].Mean ? modes[0] : modes[1], modes[0].Mean < modes[1].Mean ? modes[1] : modes[0]);
        Assert.AreEqual(0, low.Mean, 0.2);
        Assert.AreEqual(10, high.Mean, 0.2);
        // The variance prior (the whole column's variance, as scikit-learn's) widens each mode a little.
        Assert.AreEqual(1, low.Std, 0.3);
        Assert.AreEqual(0.5, high.Std, 0.2);
        Assert.AreEqual(0.6, low.Weight, 0.05);
        Assert.IsTrue(modes[0].Weight + modes[1].Weight > 0.95, string.Join("; ", modes));
        Assert.AreEqual(1, ModeMixture.Fit([3.0, 3.0, 3.0]).Count, "a constant column has one mode");
    }

    [TestMethod]
    public void AModeEncodedTableExportsWithParityAndSynthesizesBothModes()
    {
        var folder = RepoPaths.NewTempFolder("table-modes");
        var data = Bimodal(folder, 600);
        var source = new DataSourceOptions { Path = data, Seed = 2, Table = new TableReadOptions { NumericEncoding = NumericEncoding.Modes } };
        var training = TrainingDataLoader.Load(source, Likelihood.Mixed);
        var amount = training.Table!.Column("amount")!;
        Assert.IsTrue(amount.HasModes && amount.Modes!.Count >= 2, "amount is bimodal");
        Assert.AreEqual(1 + amount.Modes!.Count, amount.ValueWidth);
        // The export's parity check compares the graphs' featurisation (ArgMax over the modes, Gather, Clip) with the C# one.
        var (export, modelFolder) = TrainAndExport(folder, training, epochs: 40);
        Assert.IsTrue(Math.Max(export.EncoderMaxAbsDiff, export.DecoderMaxAbsDiff) <= 1e-5);
        OnnxChecker.AssertValid(Path.Combine(modelFolder, "encoder.onnx"));
        OnnxChecker.AssertValid(Path.Combine(modelFolder, "decoder.onnx"));

        var model = VaeModel.Load(modelFolder);
        Assert.IsTrue(model.Table!.Column("amount")!.HasModes, "the modes travel in the metadata");
        using var synthesizer = new VaeTableSynthesizer(model);
        var synthetic = synthesizer.Sample(2000, 5);
        var amounts = ((float[])synthetic.Columns[model.Table.Columns.ToList().FindIndex(c => c.Name == "amount")]).Where(v => !float.IsNaN(v)).ToArray();
        // Two modes and nothing between them, in the file's shares (60% shops); a single Gaussian would fill the gap.
        double Share(Func<float, bool> where) => amounts.Count(where) / (double)amounts.Length;
        double low = Share(v => v <= 40), gap = Share(v => v is > 40 and < 75), high = Share(v => v >= 75);
        Assert.IsTrue(low is > 0.45 and < 0.75 && high > 0.25 && gap < 0.05, $"shares: below 40 {low:P0}, 40-75 {gap:P0}, above 75 {high:P0}");

        // A value between the modes, where the training rows had none, is the row's top contribution; contributions add up.
        var rows = new VaeTableRows(model.Table, [new[] { "shop", "shop" }, new[] { 20f, 60f }]);
        var view = rows.ToDataView();
        using var scorer = new MLContext(1).Transforms.VaeTableScore(model).Fit(view);
        var scored = scorer.Transform(view);
        var contributions = scored.GetColumn<VBuffer<float>>("Score_contrib").Select(v => v.DenseValues().ToArray()).ToArray();
        var score = scored.GetColumn<float>("Score").ToArray();
        for (int r = 0; r < 2; r++) Assert.AreEqual(score[r], contributions[r].Sum(), 1e-4 * Math.Max(1, Math.Abs(score[r])), "the KL shared out: they add up to the score");
        Assert.IsTrue(contributions[1][1] > contributions[0][1] + 3, $"amount 60 costs {contributions[1][1]:F2} nats, amount 20 {contributions[0][1]:F2}");
    }

    /// <summary>A shop's amounts around 20 and a wholesaler's around 100 (blank in 5% of rows).</summary>
    private static string Bimodal(string folder, int rows)
    {
        var random = new Random(11);
        var text = new StringBuilder("channel,amount\n");
        for (int i = 0; i < rows; i++)
        {
            bool shop = random.NextDouble() < 0.6;
            string amount = random.NextDouble() < 0.05 ? "" : ((shop ? 20 : 100) + (shop ? 2 : 4) * Normal(random)).ToString("0.00", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{(shop ? "shop" : "wholesale")},{amount}\n");
        }
        return TableFiles.Write(folder, "bimodal.csv", text.ToString());
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Trains a small mixed model (32-32-3, seed 1) on <paramref name="training"/> in <paramref name="folder"/> and exports it; returns the export and the model folder.</summary>
    internal static (ExportResult Export, string ModelFolder) TrainAndExport(string folder, TrainingData training, int epochs)
    {
        var architecture = new VaeArchitecture { InputShape = [training.Train.FeatureCount], Hidden = [32, 32], LatentDim = 3, Likelihood = Likelihood.Mixed };
        var checkpoint = Path.Combine(folder, "run");
        using (var trained = new VaeTrainer(new TrainingOptions { Epochs = epochs, BatchSize = 64, LearningRate = 1e-2, Threads = 2, Seed = 1 })
            .Train(architecture, training, checkpoint).Model) { }
        var modelFolder = Path.Combine(folder, "model");
        return (VaeOnnxExporter.ExportCheckpoint(checkpoint, modelFolder), modelFolder);
    }
}
