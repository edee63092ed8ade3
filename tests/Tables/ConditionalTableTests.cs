using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Cli;
using VaeOnnx.Tests.Export;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Tables;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Tables;

/// <summary>
/// A table model conditioned on a customer segment (issue 15 on the tables of issue 11), trained and exported once on a
/// table whose spend mean, channel and visits depend strongly on the segment; the tests check its numbers and its errors.
/// </summary>
[TestClass]
public sealed class ConditionalTableTests
{
    private static string _folder = "", _data = "", _model = "", _checkpoint = "";
    private static TrainingResult? _trained;
    private static ExportResult? _export;

    [ClassInitialize]
    public static void Train(TestContext _)
    {
        _folder = RepoPaths.NewTempFolder("table-condition");
        _data = TableFiles.SegmentedCustomers(_folder);
        var source = new DataSourceOptions { Path = _data, ConditionColumn = "segment", Table = new TableReadOptions { IgnoreColumns = ["id"] }, Seed = 3 };
        var data = TrainingDataLoader.Load(source, Likelihood.Mixed);
        var architecture = new VaeArchitecture
        {
            InputShape = [data.Train.FeatureCount], Hidden = [32, 32], LatentDim = 3, Likelihood = Likelihood.Mixed,
            Condition = TrainingDataLoader.Condition(data, "segment"),
        };
        _checkpoint = Path.Combine(_folder, "run");
        _trained = new VaeTrainer(new TrainingOptions { Epochs = 25, BatchSize = 64, LearningRate = 3e-3, Threads = 2, Seed = 1 })
            .Train(architecture, data, _checkpoint);
        _model = Path.Combine(_folder, "model");
        _export = VaeOnnxExporter.ExportCheckpoint(_checkpoint, _model, falseAlarmRate: 0.05);
    }

    [ClassCleanup]
    public static void Release() => _trained?.Model.Dispose();

    [TestMethod]
    public void TheConditionLeavesTheFeaturesTrainsAndExportsAtParity()
    {
        var metrics = _trained!.Checkpoint.Metrics;
        Assert.IsTrue(metrics[^1].TestNegElbo < metrics[0].TestNegElbo - 1, $"test -ELBO {metrics[0].TestNegElbo} -> {metrics[^1].TestNegElbo}");
        var condition = VaeCheckpoint.ReadInfo(_checkpoint).Architecture.Condition!;
        CollectionAssert.AreEqual(TableFiles.Segments, condition.Classes.ToArray(), "classes in ordinal order");
        var lines = File.ReadAllLines(_data).Skip(1).Select(l => l.Split(',')[1]).ToArray();
        Assert.AreEqual(lines.Count(s => s == "gold") / (double)lines.Length, condition.Proportions![1], 0.03, "the training rows' share of gold");
        Assert.AreEqual(1.0, condition.Proportions.Sum(), 1e-9);
        Assert.IsTrue(_export!.EncoderMaxAbsDiff <= 1e-5 && _export.DecoderMaxAbsDiff <= 1e-5, $"parity {_export.EncoderMaxAbsDiff:G3} / {_export.DecoderMaxAbsDiff:G3}");
        Assert.IsTrue(_export.ParityRows > 160 + 3, "held-out rows, branch rows and one row per class");
        var model = VaeModel.Load(_model);
        Assert.IsTrue(model.IsTable && model.IsConditional);
        CollectionAssert.AreEqual(new[] { "channel", "active", "spend", "visits" }, model.Table!.Columns.Select(c => c.Name).ToArray(), "the condition is not a feature");
        Assert.AreEqual("c", model.EncoderConditionInput);
        Assert.AreEqual(3, model.ConditionDim);
        CollectionAssert.AreEqual(condition.Proportions.ToArray(), model.Condition!.Proportions!.ToArray(), "the proportions travel in the metadata");
        var encoder = VaeOnnx.Contract.Onnx.OnnxFile.Read(model.EncoderPath);
        CollectionAssert.AreEqual(new[] { "channel", "active", "spend", "visits", "c" }, encoder.Inputs.Select(i => i.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "z", "c" }, VaeOnnx.Contract.Onnx.OnnxFile.Read(model.DecoderPath).Inputs.Select(i => i.Name).ToArray());
        OnnxChecker.AssertValid(model.EncoderPath);
        OnnxChecker.AssertValid(model.DecoderPath);
    }

    [TestMethod]
    public void SynthesizedRowsCarryTheAskedSegmentAndFollowIt()
    {
        var model = VaeModel.Load(_model);
        using var synthesizer = new VaeTableSynthesizer(model);
        var means = new double[3];
        var store = new double[3];
        for (int s = 0; s < 3; s++)
        {
            var rows = synthesizer.Sample(1000, 5, TableFiles.Segments[s]);
            Assert.IsTrue(rows.Conditions!.All(c => c == TableFiles.Segments[s]), "every row carries the asked segment");
            Assert.AreEqual("segment", rows.ColumnNames[^1]);
            means[s] = ((float[])rows.Columns[2]).Where(v => !float.IsNaN(v)).Average();
            store[s] = ((string[])rows.Columns[0]).Count(v => v == "store") / 1000.0;
        }
        for (int s = 0; s < 3; s++)
        {
            Assert.AreEqual(TableFiles.SegmentSpend[s], means[s], 25, $"{TableFiles.Segments[s]}: synthetic spend mean {means[s]:F1}");
            for (int other = 0; other < 3; other++)
                if (other != s)
                    Assert.IsTrue(Math.Abs(means[s] - TableFiles.SegmentSpend[other]) > 40, $"{TableFiles.Segments[s]}'s mean {means[s]:F1} is far from {TableFiles.Segments[other]}'s {TableFiles.SegmentSpend[other]}");
        }
        Assert.IsTrue(store[1] > store[0] + 0.3 && store[1] > store[2] + 0.3, $"store share gold {store[1]:F2}, bronze {store[0]:F2}, silver {store[2]:F2}");
        // Without a condition, the segments come in the training proportions.
        var mixed = synthesizer.Sample(2000, 9);
        for (int s = 0; s < 3; s++)
            Assert.AreEqual(model.Condition!.Proportions![s], mixed.Conditions!.Count(c => c == TableFiles.Segments[s]) / 2000.0, 0.04, TableFiles.Segments[s]);
        var again = synthesizer.Sample(2000, 9);
        CollectionAssert.AreEqual(mixed.Conditions!.ToArray(), again.Conditions!.ToArray(), "the same seed, the same rows");
        var e = Assert.ThrowsExactly<ArgumentException>(() => synthesizer.Sample(5, 1, "platinum"));
        StringAssert.Contains(e.Message, model.EncoderPath);
        StringAssert.Contains(e.Message, "condition column 'segment'; expected one of bronze, gold, silver");
    }

    [TestMethod]
    public void ScoringReadsEachRowsConditionFromItsColumn()
    {
        var model = VaeModel.Load(_model);
        var table = RawTableReader.Read(_data);
        var condition = model.Condition!;
        var classes = TableCondition.Codes(table, condition);
        var inputs = new TableFeaturizer(model.Table!).GraphInputs(table);
        var ml = new MLContext(1);
        float[] Score(string[] conditions)
        {
            var view = new VaeTableRows(model.Table!, inputs, "segment", conditions).ToDataView();
            using var transformer = ml.Transforms.VaeTableScore(model).Fit(view);
            return transformer.Transform(view).GetColumn<float>("Score").ToArray();
        }
        var own = Score(classes.Select(c => condition.Classes[c]).ToArray());
        var reference = TorchTableScorer.Score(_trained!.Model, new TableFeaturizer(model.Table!).Featurize(table), classes);
        for (int r = 0; r < own.Length; r++)
            Assert.AreEqual(reference.Score[r], own[r], 1e-3 * Math.Max(1, Math.Abs(own[r])), $"row {r}: ONNX Runtime score = TorchSharp score");
        // The same rows given another segment are far less likely: the score reads the condition.
        var swapped = Score(classes.Select(c => condition.Classes[(c + 1) % 3]).ToArray());
        Assert.IsTrue(swapped.Average() > own.Average() + 5, $"mean score {own.Average():F2} with the rows' own segment, {swapped.Average():F2} with another");
        var bad = classes.Select(c => condition.Classes[c]).ToArray();
        bad[7] = "platinum";
        var view = new VaeTableRows(model.Table!, inputs, "segment", bad).ToDataView();
        using var transformer = ml.Transforms.VaeTableScore(model).Fit(view);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => transformer.Transform(view).GetColumn<float>("Score").ToArray());
        StringAssert.Contains(e.Message, "row 7, condition column 'segment': 'platinum' is not a category the model was trained on; expected one of bronze, gold, silver");
        var missing = new VaeTableRows(model.Table!, inputs).ToDataView();
        var absent = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.VaeTableScore(model).Fit(missing));
        StringAssert.Contains(absent.Message, "input column 'segment' not found");
    }

    [TestMethod]
    public void AConditionalTableChainSavesAndReloadsWithTheSameScoresAndStillRefusesAnUnknownSegment()
    {
        var model = VaeModel.Load(_model);
        var table = RawTableReader.Read(_data);
        var condition = model.Condition!;
        var inputs = new TableFeaturizer(model.Table!).GraphInputs(table);
        var own = TableCondition.Codes(table, condition).Select(c => condition.Classes[c]).ToArray();
        var view = new VaeTableRows(model.Table!, inputs, "segment", own).ToDataView();
        var ml = new MLContext(1);
        using var fitted = ml.Transforms.VaeTableScore(model).Fit(view);
        var expected = fitted.Transform(view).GetColumn<float>("Score").ToArray();
        var zip = Path.Combine(_folder, "conditional-chain.zip");
        ml.Model.Save(fitted, view.Schema, zip);

        using var chained = (IDisposable)VaeModel.LoadChain(new MLContext(2), zip, out _);
        Assert.IsInstanceOfType<VaeOnnx.Inference.Transforms.VaeTableScoreTransformer>(chained, "VaeModel.LoadChain gives block scoring back");
        var blocks = ((ITransformer)chained).Transform(view).GetColumn<float>("Score").ToArray();
        for (int r = 0; r < expected.Length; r++) Assert.AreEqual(expected[r], blocks[r], 1e-5 * Math.Max(1, Math.Abs(expected[r])), $"row {r}: LoadChain");

        var reader = new MLContext(3);
        VaeModel.Register(reader);
        var stock = reader.Model.Load(zip, out _);
        var rowByRow = stock.Transform(view).GetColumn<float>("Score").ToArray();
        for (int r = 0; r < expected.Length; r++) Assert.AreEqual(expected[r], rowByRow[r], 1e-5 * Math.Max(1, Math.Abs(expected[r])), $"row {r}: ML.NET's own chain");

        var bad = (string[])own.Clone();
        bad[7] = "platinum";
        var unknown = new VaeTableRows(model.Table!, inputs, "segment", bad).ToDataView();
        var block = Assert.ThrowsExactly<InvalidDataException>(() => ((ITransformer)chained).Transform(unknown).GetColumn<float>("Score").ToArray());
        StringAssert.Contains(block.Message, "row 7, condition column 'segment': 'platinum' is not a category the model was trained on");
        // ML.NET's stock one-hot would score 'platinum' as no segment at all; the saved chain fails the row instead.
        var refused = Assert.Throws<Exception>(() => stock.Transform(unknown).GetColumn<float>("Score").ToArray());
        StringAssert.Contains(refused.ToString(), "indices element out of data bounds", "ONNX Runtime refuses the unknown segment's code");
    }

    [TestMethod]
    public void TheCommandLineSynthesizesScoresAndNamesBadConditions()
    {
        var folder = RepoPaths.NewTempFolder("table-condition-cli");
        var gold = Path.Combine(folder, "gold.csv");
        var run = CliRun.Invoke("synthesize", "--model", _model, "--count", "300", "--condition", "segment=gold", "--output", gold);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var lines = File.ReadAllLines(gold);
        Assert.AreEqual("channel,active,spend,visits,segment", lines[0]);
        Assert.AreEqual(301, lines.Length);
        Assert.IsTrue(lines.Skip(1).All(l => l.EndsWith(",gold", StringComparison.Ordinal)));
        var scored = CliRun.Invoke("score", "--model", _model, "--input", gold, "--output", Path.Combine(folder, "scores.csv"));
        Assert.AreEqual(0, scored.ExitCode, scored.ToString());
        var mixed = CliRun.Invoke("synthesize", "--model", _model, "--count", "10", "--output", Path.Combine(folder, "mixed.csv"));
        Assert.AreEqual(0, mixed.ExitCode, mixed.ToString());
        StringAssert.Contains(mixed.Error, "'segment' drawn in the training proportions");
        var encoder = Path.Combine(_model, "encoder.onnx");
        foreach (var (condition, message) in new[]
        {
            ("segment=platinum", $"'platinum' is not a value of column 'segment' in {encoder}; expected one of bronze, gold, silver"),
            ("tier=gold", $"{encoder} is conditioned on column 'segment', not 'tier'"),
            ("gold", "expected COLUMN=VALUE, e.g. segment=bronze"),
        })
        {
            var refused = CliRun.Invoke("synthesize", "--model", _model, "--count", "10", "--condition", condition, "--output", Path.Combine(folder, "refused.csv"));
            Assert.AreNotEqual(0, refused.ExitCode, refused.ToString());
            StringAssert.Contains(refused.Error, message);
        }
        Assert.IsFalse(File.Exists(Path.Combine(folder, "refused.csv")), "nothing written");
        var rows = File.ReadAllLines(_data);
        rows[5] = rows[5].Replace(",bronze,", ",platinum,", StringComparison.Ordinal).Replace(",silver,", ",platinum,", StringComparison.Ordinal).Replace(",gold,", ",platinum,", StringComparison.Ordinal);
        var unknown = TableFiles.Write(folder, "unknown.csv", string.Join("\n", rows) + "\n");
        var failed = CliRun.Invoke("score", "--model", _model, "--input", unknown, "--output", Path.Combine(folder, "unknown-scores.csv"));
        Assert.AreNotEqual(0, failed.ExitCode, failed.ToString());
        StringAssert.Contains(failed.Error, "line 6, condition column 'segment': 'platinum' is not a category the model was trained on");
    }

    [TestMethod]
    [DataRow("spend", "condition column 'spend' holds numbers")]
    [DataRow("id", "condition column 'id' has 800 categories; expected 2 to 64")]
    [DataRow("tier", "--condition-column: no column 'tier'; the columns are id, segment, channel, active, spend, visits")]
    [DataRow("blank", "line 4, condition column 'segment': the cell is blank or missing")]
    public void ABadConditionColumnIsRefusedNamingTheFileAndTheColumn(string column, string message)
    {
        var folder = RepoPaths.NewTempFolder("table-condition-bad");
        var data = _data;
        if (column == "blank")
        {
            var rows = File.ReadAllLines(_data);
            var cells = rows[3].Split(',');
            cells[1] = "";
            rows[3] = string.Join(",", cells);
            data = TableFiles.Write(folder, "blank.csv", string.Join("\n", rows) + "\n");
            column = "segment";
        }
        var train = CliRun.Invoke("train", "--data", data, "--condition-column", column, "--ignore-columns", "id", "--epochs", "1", "--out", Path.Combine(folder, "run"));
        Assert.AreNotEqual(0, train.ExitCode, train.ToString());
        StringAssert.Contains(train.Error, data);
        StringAssert.Contains(train.Error, message);
        Assert.IsFalse(Directory.Exists(Path.Combine(folder, "run")), "nothing is trained");
    }

    [TestMethod]
    public void ResumingKeepsTheCondition()
    {
        var folder = RepoPaths.NewTempFolder("table-condition-resume");
        var data = TableFiles.SegmentedCustomers(folder, 200, seed: 4);
        var run = Path.Combine(folder, "run");
        var first = CliRun.Invoke("train", "--data", data, "--condition-column", "segment", "--ignore-columns", "id", "--hidden", "16", "--latent", "2",
            "--epochs", "2", "--iw-samples", "10", "--out", run);
        Assert.AreEqual(0, first.ExitCode, first.ToString());
        var resumed = CliRun.Invoke("train", "--out", run, "--resume", "--epochs", "3", "--iw-samples", "10");
        Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
        var info = VaeCheckpoint.ReadInfo(run);
        Assert.AreEqual(3, info.Epoch);
        Assert.AreEqual("segment", info.Architecture.Condition!.Column);
        CollectionAssert.AreEqual(TableFiles.Segments, info.Architecture.Condition.Classes.ToArray());
        var other = CliRun.Invoke("train", "--out", run, "--resume", "--epochs", "4", "--condition-column", "channel");
        Assert.AreNotEqual(0, other.ExitCode, other.ToString());
        StringAssert.Contains(other.Error, "--condition-column");
    }
}
