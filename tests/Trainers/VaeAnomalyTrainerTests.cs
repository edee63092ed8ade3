using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
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
        // A DateTime is a datetime column (DateColumnTests); a time span is no kind.
        var timed = Ml.Data.LoadFromEnumerable([new Timed { Took = TimeSpan.FromHours(1), Amount = 1 }]);
        var span = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(timed));
        StringAssert.Contains(span.Message, "column 'Took' is TimeSpan");
        var keyed = Ml.Transforms.Conversion.MapValueToKey("CityKey", "City").Fit(Train).Transform(Train);
        var key = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(keyed));
        Assert.AreEqual("column 'CityKey' is Key<UInt32, 0-2>; a feature column is Text, Boolean, Single, Double, Int32, Int64 or DateTime (table columns), "
            + "or one vector of Single (leave it out with IgnoreColumnNames) (Parameter 'input')", key.Message);
        var textLabel = Ml.Data.LoadFromEnumerable([new TextLabel { Label = "yes", Amount = 1 }]);
        var label = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(textLabel));
        StringAssert.Contains(label.Message, "label column 'Label' is String");
    }

    [TestMethod]
    public void ANullSeedIsTheMLContextsAndEveryEpochReachesTheContextsLog()
    {
        var seven = new MLContext(seed: 7);
        var messages = new List<LoggingEventArgs>();
        seven.Log += (_, e) => { if (e.Source.StartsWith(nameof(VaeAnomalyTrainer), StringComparison.Ordinal)) messages.Add(e); };
        int epochsReported = 0;
        var fromContext = seven.AnomalyDetection.Trainers.Vae(VectorOptions(seed: null, new SyncProgress(p => { if (p.Completed is not null) epochsReported++; })));
        Assert.AreEqual(7, fromContext.Seed);
        Assert.AreEqual(1, new MLContext().AnomalyDetection.Trainers.Vae(VectorOptions(seed: null, null)).Seed, "a context without a seed trains with 1");
        var explicitSeven = Ml.AnomalyDetection.Trainers.Vae(VectorOptions(seed: 7, null));
        Assert.AreEqual(7, explicitSeven.Seed, "Options.Seed wins over the context's 1");

        var data = Features(Train);
        using var a = fromContext.Fit(data);
        using var b = explicitSeven.Fit(data);
        var scoresA = a.Transform(data).GetColumn<float>("Score").ToArray();
        CollectionAssert.AreEqual(scoresA, b.Transform(data).GetColumn<float>("Score").ToArray(), "the context's seed 7 trains the model Seed = 7 trains");
        using var other = Ml.AnomalyDetection.Trainers.Vae(VectorOptions(seed: 8, null)).Fit(data);
        CollectionAssert.AreNotEqual(scoresA, other.Transform(data).GetColumn<float>("Score").ToArray(), "another seed, another model");

        Assert.AreEqual(3, epochsReported);
        var epochs = messages.Where(m => m.Kind == ChannelMessageKind.Info && m.Message.Contains("] epoch ", StringComparison.Ordinal)).Select(m => m.Message).ToArray();
        Assert.AreEqual(3, epochs.Length, string.Join("\n", messages.Select(m => m.Message)));
        StringAssert.Contains(epochs[2], "epoch 3/3: loss ");
        StringAssert.Contains(epochs[2], " s left");
        Assert.IsTrue(messages.Any(m => m.Message.EndsWith("training a plain model on 320 rows, 3 features, seed 7", StringComparison.Ordinal)), string.Join("\n", messages.Select(m => m.Message)));
        Assert.IsTrue(messages.All(m => m.Source == "VaeAnomalyTrainer; Fit"), messages[0].Source);
    }

    private static VaeAnomalyTrainer.Options VectorOptions(int? seed, IProgress<VaeOnnx.Training.Trainer.TrainingProgress>? progress) => new()
    {
        Epochs = 3, BatchSize = 64, Hidden = [8], LatentDim = 2, Seed = seed, Progress = progress,
        ModelFolder = Path.Combine(RepoPaths.NewTempFolder("trainer-seed"), "model"),
    };

    private static IDataView Features(IDataView rows) =>
        Ml.Transforms.Conversion.ConvertType([new InputOutputColumnPair("Spend", "Amount"), new InputOutputColumnPair("Count", "Visits")], DataKind.Single)
            .Append(Ml.Transforms.Concatenate("Features", "Age", "Spend", "Count")).Append(Ml.Transforms.SelectColumns("Features", "Label")).Fit(rows).Transform(rows);

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

    private sealed class Timed
    {
        public TimeSpan Took { get; set; }
        public float Amount { get; set; }
    }

    private sealed class TextLabel
    {
        public string Label { get; set; } = "";
        public float Amount { get; set; }
    }
}
