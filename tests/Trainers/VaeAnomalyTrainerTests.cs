using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;
using VaeOnnx.Trainers;

namespace VaeOnnx.Tests.Trainers;

/// <summary><c>mlContext.AnomalyDetection.Trainers.Vae</c>: tables and vectors in, the scoring transformer out.</summary>
[TestClass]
public sealed class VaeAnomalyTrainerTests
{
    private static readonly MLContext Ml = new(1);
    private static readonly Lazy<VaeAnomalyTransformer> TableDetector = new(() => Ml.AnomalyDetection.Trainers.Vae(TableOptions(ignore: ["Segment"])).Fit(Train));

    private static IDataView Train => Ml.Data.LoadFromEnumerable(TrainerRows.Ordinary(400, seed: 5));

    private static IDataView Test => Ml.Data.LoadFromEnumerable([.. TrainerRows.Ordinary(200, seed: 9), .. TrainerRows.Anomalies(10, seed: 11)]);

    private static VaeAnomalyTrainer.Options TableOptions(string[] ignore, string? condition = null) => new()
    {
        Epochs = 25, BatchSize = 64, LearningRate = 3e-3, Hidden = [32], LatentDim = 3, IgnoreColumnNames = ignore, ConditionColumnName = condition,
        ModelFolder = Path.Combine(RepoPaths.NewTempFolder("trainer"), "model"),
    };

    [TestMethod]
    public void ATypedTableTrainsAModelWhosePlantedAnomaliesScoreAboveTheThresholdAndTheEvaluatorReadsIt()
    {
        var detector = TableDetector.Value;
        Assert.IsTrue(detector.Model.IsTable);
        CollectionAssert.AreEquivalent(new[] { "City", "Vip", "Age", "Amount", "Visits" }, detector.Model.Table!.Columns.Select(c => c.Name).ToArray(), "neither the label nor the ignored column is a feature");
        Assert.IsTrue(File.Exists(Path.Combine(detector.ModelFolder, "encoder.onnx")));
        var scored = detector.Transform(Test);
        var flags = scored.GetColumn<bool>(VaeAnomalyTrainer.PredictedLabelColumnName).ToArray();
        Assert.IsTrue(flags[^10..].Count(f => f) >= 9, $"{flags[^10..].Count(f => f)} of 10 planted anomalies flagged");
        Assert.IsTrue(flags[..200].Count(f => f) <= 10, $"{flags[..200].Count(f => f)} of 200 ordinary rows flagged");
        var contributions = scored.GetColumn<float[]>("Score_contrib").First();
        Assert.AreEqual(5, contributions.Length);
        var metrics = Ml.AnomalyDetection.Evaluate(scored);
        Assert.IsTrue(metrics.AreaUnderRocCurve > 0.95, $"AUC {metrics.AreaUnderRocCurve}");
    }

    [TestMethod]
    public void ASavedDetectorLoadsBackWithTheSameScoresAndSynthesizesTheTrainingColumns()
    {
        var detector = TableDetector.Value;
        var path = Path.Combine(RepoPaths.NewTempFolder("trainer-save"), "detector.zip");
        Ml.Model.Save(detector, Test.Schema, path);
        var loaded = VaeModel.LoadChain(Ml, path, out _);
        var expected = detector.Transform(Test).GetColumn<float>("Score").ToArray();
        var actual = loaded.Transform(Test).GetColumn<float>("Score").ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"row {i}");
        (loaded as IDisposable)?.Dispose();

        var synthetic = detector.Synthesize(50, seed: 1);
        CollectionAssert.IsSubsetOf(new[] { "City", "Vip", "Age", "Amount", "Visits" }, synthetic.Schema.Select(c => c.Name).ToArray());
        var cities = synthetic.GetColumn<ReadOnlyMemory<char>>("City").Select(c => c.ToString()).ToArray();
        Assert.AreEqual(50, cities.Length);
        Assert.IsTrue(cities.All(TableFilesCities.Contains), string.Join(",", cities.Distinct()));
    }

    private static readonly HashSet<string> TableFilesCities = [.. Tables.TableFiles.Cities];

    [TestMethod]
    public void OneVectorColumnTrainsAPlainModelWithACalibratedThreshold()
    {
        var concat = Ml.Transforms.Conversion.ConvertType([new InputOutputColumnPair("Spend", "Amount"), new InputOutputColumnPair("Count", "Visits")], DataKind.Single)
            .Append(Ml.Transforms.Concatenate("Features", "Age", "Spend", "Count"));
        var folder = Path.Combine(RepoPaths.NewTempFolder("trainer-vector"), "model");
        var pipeline = concat.Append(Ml.Transforms.SelectColumns("Features", "Label"));
        var train = pipeline.Fit(Train).Transform(Train);
        using var detector = Ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyTrainer.Options { Epochs = 30, BatchSize = 64, LearningRate = 3e-3, Hidden = [16], LatentDim = 2, ModelFolder = folder }).Fit(train);
        Assert.IsFalse(detector.Model.IsTable);
        Assert.AreEqual(Likelihood.Gaussian, detector.Model.Likelihood);
        CollectionAssert.AreEqual(new[] { "Age", "Spend", "Count" }, detector.Model.FeatureNames!.ToArray());
        var test = pipeline.Fit(Test).Transform(Test);
        var scored = detector.Transform(test);
        var scores = scored.GetColumn<float>("Score").ToArray();
        var flags = scored.GetColumn<bool>("PredictedLabel").ToArray();
        for (int i = 0; i < scores.Length; i++) Assert.AreEqual(scores[i] >= detector.Threshold, flags[i], $"row {i}");
        Assert.IsTrue(flags[^10..].All(f => f), "every planted amount is flagged");
        Assert.IsTrue(Ml.AnomalyDetection.Evaluate(scored).AreaUnderRocCurve > 0.95);

        var path = Path.Combine(folder, "..", "vector.zip");
        Ml.Model.Save(detector, test.Schema, path);
        var loaded = VaeModel.LoadChain(Ml, path, out _);
        var again = loaded.Transform(test);
        CollectionAssert.AreEqual(flags, again.GetColumn<bool>("PredictedLabel").ToArray());
        var reloaded = again.GetColumn<float>("Score").ToArray();
        for (int i = 0; i < scores.Length; i++) Assert.AreEqual(scores[i], reloaded[i], 1e-4 * Math.Max(1, Math.Abs(scores[i])), $"row {i}");
        (loaded as IDisposable)?.Dispose();
        Assert.AreEqual(3, detector.Synthesize(20, 1).GetColumn<float[]>("Features").First().Length);
    }

    [TestMethod]
    public void AConditionColumnConditionsTheTableModel()
    {
        using var detector = Ml.AnomalyDetection.Trainers.Vae(TableOptions(ignore: ["Vip"], condition: "Segment")).Fit(Train);
        Assert.IsTrue(detector.Model.IsConditional);
        CollectionAssert.AreEquivalent(new[] { "bronze", "gold" }, detector.Model.Condition!.Classes.ToArray());
        // A gold customer's visits in the bronze segment are unusual; the same row in its own segment is not.
        var row = new TrainerRows.Customer { City = "Paris", Age = 45, Amount = 135, Visits = 5, Segment = "gold" };
        var moved = new TrainerRows.Customer { City = "Paris", Age = 45, Amount = 135, Visits = 5, Segment = "bronze" };
        var scores = detector.Transform(Ml.Data.LoadFromEnumerable([row, moved])).GetColumn<float>("Score").ToArray();
        Assert.IsTrue(scores[1] > scores[0] + 1, $"gold {scores[0]}, bronze {scores[1]}");
    }

    [TestMethod]
    public void AVectorBesideTableColumnsAndAnUnsupportedTypeAreRefusedNamingTheColumn()
    {
        var withVector = Ml.Transforms.Concatenate("Both", "Age", "Age").Fit(Train).Transform(Train);
        var trainer = Ml.AnomalyDetection.Trainers.Vae(epochs: 1);
        var vector = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(withVector));
        StringAssert.Contains(vector.Message, "column 'Both' is a vector beside the columns");
        var dated = Ml.Data.LoadFromEnumerable([new Dated { When = DateTime.UnixEpoch, Amount = 1 }]);
        var date = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(dated));
        StringAssert.Contains(date.Message, "column 'When' is DateTime");
        var textLabel = Ml.Data.LoadFromEnumerable([new TextLabel { Label = "yes", Amount = 1 }]);
        var label = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(textLabel));
        StringAssert.Contains(label.Message, "label column 'Label' is String");
    }

    [TestMethod]
    public void CancellationStopsTrainingAndWritesNoModelFolder()
    {
        using var cancel = new CancellationTokenSource();
        var folder = Path.Combine(RepoPaths.NewTempFolder("trainer-cancel"), "model");
        var options = TableOptions(ignore: ["Segment"]);
        options.ModelFolder = folder;
        options.Epochs = 200;
        options.CancellationToken = cancel.Token;
        int reports = 0;
        options.Progress = new SyncProgress(p => { reports++; if (p.Epoch >= 2) cancel.Cancel(); });
        Assert.ThrowsExactly<OperationCanceledException>(() => Ml.AnomalyDetection.Trainers.Vae(options).Fit(Train));
        Assert.IsTrue(reports > 0);
        Assert.IsFalse(Directory.Exists(folder), "no half-written model folder");
    }

    private sealed class SyncProgress(Action<VaeOnnx.Training.Trainer.TrainingProgress> report) : IProgress<VaeOnnx.Training.Trainer.TrainingProgress>
    {
        public void Report(VaeOnnx.Training.Trainer.TrainingProgress value) => report(value);
    }

    private sealed class Dated
    {
        public DateTime When { get; set; }
        public float Amount { get; set; }
    }

    private sealed class TextLabel
    {
        public string Label { get; set; } = "";
        public float Amount { get; set; }
    }
}
