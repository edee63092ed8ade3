using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Tables;

/// <summary>A table model trained in C# straight from an ML.NET data view with text, number and boolean columns.</summary>
[TestClass]
public sealed class DataViewTrainingTests
{
    [TestMethod]
    public void ATableModelTrainsFromADataViewOfTextNumbersAndFlagsAndScoresTheSameView()
    {
        var folder = RepoPaths.NewTempFolder("table-view");
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable(Customers(400, seed: 5));
        var rows = VaeTableData.FromDataView(view, source: "customers view");
        CollectionAssert.AreEqual(new[] { "City", "Vip", "Age", "Amount", "Visits" }, rows.Header.ToArray());
        Assert.AreEqual("true", rows.Rows.First(r => r[1] != "false")[1]);
        Assert.IsTrue(rows.Rows.Any(r => r[3].Length == 0), "NaN amounts are blank cells");

        var copy = Path.Combine(folder, "rows.csv");
        var data = TableDataLoader.Load(rows, new DataSourceOptions { Path = copy, Seed = 1 });
        var kinds = data.Table!.Columns.ToDictionary(c => c.Name, c => c.Kind);
        Assert.AreEqual(ColumnKind.Categorical, kinds["City"]);
        Assert.AreEqual(ColumnKind.Boolean, kinds["Vip"]);
        Assert.AreEqual(ColumnKind.Numeric, kinds["Age"]);
        Assert.AreEqual(ColumnKind.Numeric, kinds["Amount"]);
        Assert.AreEqual(ColumnKind.Integer, kinds["Visits"]);
        Assert.IsTrue(data.Table.Column("Amount")!.HasMissing);
        Assert.AreEqual(Path.GetFullPath(copy), data.Dataset.Source, "the checkpoint names the copy of the rows as its data");

        var architecture = new VaeArchitecture { InputShape = [data.Train.FeatureCount], Hidden = [32], LatentDim = 3, Likelihood = Likelihood.Mixed };
        var checkpoint = Path.Combine(folder, "run");
        var trained = new VaeTrainer(new TrainingOptions { Epochs = 20, BatchSize = 64, LearningRate = 3e-3, Threads = 2, Seed = 1 }).Train(architecture, data, checkpoint);
        trained.Model.Dispose();
        var metrics = trained.Checkpoint.Metrics;
        Assert.IsTrue(metrics[^1].TestNegElbo < metrics[0].TestNegElbo - 1, $"test -ELBO {metrics[0].TestNegElbo} -> {metrics[^1].TestNegElbo}");
        var modelFolder = Path.Combine(folder, "model");
        VaeOnnxExporter.ExportCheckpoint(checkpoint, modelFolder);
        Assert.AreEqual(Path.GetFullPath(copy), VaeCheckpoint.ReadInfo(checkpoint).Dataset.Source);

        // The view that trained the model is scored by it as it is: bool, float and int columns by name.
        var model = VaeModel.Load(modelFolder);
        using var scorer = ml.Transforms.VaeTableScore(model).Fit(view);
        var scores = scorer.Transform(view).GetColumn<float>("Score").ToArray();
        Assert.AreEqual(400, scores.Length);
        Assert.IsTrue(scores.All(float.IsFinite));
        var odd = ml.Data.LoadFromEnumerable([new Customer { City = "Paris", Vip = true, Age = 45, Amount = 4000, Visits = 5 }]);
        float oddScore = scorer.Transform(odd).GetColumn<float>("Score").Single();
        Assert.IsTrue(oddScore > scores.Max(), $"an amount of 4000 scores {oddScore}; the view's rows at most {scores.Max()}");
    }

    [TestMethod]
    public void AColumnOfAnotherTypeIsRefusedNamingIt()
    {
        var ml = new MLContext(1);
        var view = ml.Transforms.Concatenate("Both", "Age", "Age").Fit(ml.Data.LoadFromEnumerable(Customers(3, 1)))
            .Transform(ml.Data.LoadFromEnumerable(Customers(3, 1)));
        var e = Assert.ThrowsExactly<ArgumentException>(() => VaeTableData.FromDataView(view));
        StringAssert.Contains(e.Message, "column 'Both' is Vector<Single, 2>");
        var kept = VaeTableData.FromDataView(view, ["City", "Age"]);
        CollectionAssert.AreEqual(new[] { "City", "Age" }, kept.Header.ToArray());
        var missing = Assert.ThrowsExactly<ArgumentException>(() => VaeTableData.FromDataView(view, ["Nope"]));
        StringAssert.Contains(missing.Message, "no column 'Nope'");
    }

    private static Customer[] Customers(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var city = TableFiles.Cities[random.Next(3)];
            bool vip = city == "Paris" ? random.NextDouble() < 0.85 : random.NextDouble() < 0.1;
            float age = (float)Math.Round((vip ? 45 : 30) + 4 * (random.NextDouble() - 0.5) * 3, 1);
            double amount = random.NextDouble() < 0.1 ? double.NaN : Math.Round(age * 3 + 5 * (random.NextDouble() - 0.5), 2);
            return new Customer { City = city, Vip = vip, Age = age, Amount = amount, Visits = random.Next(3) + (vip ? 4 : 0) };
        }).ToArray();
    }

    private sealed class Customer
    {
        public string City { get; set; } = "";
        public bool Vip { get; set; }
        public float Age { get; set; }
        public double Amount { get; set; }
        public int Visits { get; set; }
    }
}
