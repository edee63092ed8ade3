using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Cli.Scoring;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Export;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Tables;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Tables;

/// <summary>One small table model trained, exported and loaded once; the tests check its numbers.</summary>
[TestClass]
public sealed class TableModelTests
{
    private static string _folder = "", _data = "", _model = "", _checkpoint = "";
    private static TrainingResult? _trained;

    [ClassInitialize]
    public static void Train(TestContext _)
    {
        _folder = RepoPaths.NewTempFolder("table-model");
        _data = TableFiles.Customers(_folder);
        var source = new DataSourceOptions { Path = _data, Table = new TableReadOptions { IgnoreColumns = ["id"] }, Seed = 3 };
        var data = TrainingDataLoader.Load(source, Likelihood.Mixed);
        var architecture = new VaeArchitecture { InputShape = [data.Train.FeatureCount], Hidden = [32, 32], LatentDim = 3, Likelihood = Likelihood.Mixed };
        _checkpoint = Path.Combine(_folder, "run");
        _trained = new VaeTrainer(new TrainingOptions { Epochs = 25, BatchSize = 64, LearningRate = 3e-3, Threads = 2, Seed = 1 })
            .Train(architecture, data, _checkpoint);
        _model = Path.Combine(_folder, "model");
        VaeOnnxExporter.ExportCheckpoint(_checkpoint, _model, falseAlarmRate: 0.05);
    }

    [ClassCleanup]
    public static void Release() => _trained?.Model.Dispose();

    [TestMethod]
    public void TheElboImprovesAndTheSchemaTravelsInTheCheckpointAndBothGraphs()
    {
        var metrics = _trained!.Checkpoint.Metrics;
        Assert.IsTrue(metrics[^1].TestNegElbo < metrics[0].TestNegElbo - 1, $"test -ELBO {metrics[0].TestNegElbo} -> {metrics[^1].TestNegElbo}");
        var info = VaeCheckpoint.ReadInfo(_checkpoint);
        Assert.AreEqual(5, info.Table!.Columns.Count);
        var model = VaeModel.Load(_model);
        Assert.IsTrue(model.IsTable);
        Assert.AreEqual(Likelihood.Mixed, model.Likelihood);
        CollectionAssert.AreEqual(new[] { "city", "vip", "age", "amount", "visits" }, model.Table!.Columns.Select(c => c.Name).ToArray());
        Assert.IsTrue(model.Table.Column("amount")!.HasMissing);
        Assert.AreEqual(0.05, model.Table.Threshold!.FalseAlarmRate);
        Assert.AreEqual(120, model.Table.Threshold.CalibrationRows, "the held-out rows: 20% of 600 for test, no validation split");
        Assert.AreEqual("mixed", VaeOnnx.Contract.Onnx.OnnxFile.Read(model.DecoderPath).Metadata[VaeMetadataKeys.Likelihood]);
        OnnxChecker.AssertValid(model.EncoderPath);
        OnnxChecker.AssertValid(model.DecoderPath);
    }

    [TestMethod]
    public void BothTableGraphsCarryAWeightsDigestThatTheLoaderAndVerifyCheck()
    {
        var model = VaeModel.Load(_model);
        Assert.IsTrue(model.WeightsVerified, "a table pair loads through the same digest check as every pair");
        foreach (var (file, digest) in new[] { ("encoder.onnx", model.EncoderWeightsDigest), ("decoder.onnx", model.DecoderWeightsDigest) })
        {
            var read = VaeOnnx.Contract.Onnx.OnnxFile.Read(Path.Combine(_model, file));
            Assert.IsTrue(VaeOnnx.Contract.Onnx.WeightsDigest.IsWellFormed(read.Metadata[VaeMetadataKeys.WeightsDigest]), file);
            Assert.AreEqual(read.WeightsDigest, read.Metadata[VaeMetadataKeys.WeightsDigest], file);
            Assert.AreEqual(read.WeightsDigest, digest, file);
        }
        var verify = VaeOnnx.Tests.Cli.CliRun.Invoke("verify", "--model", _model);
        Assert.AreEqual(0, verify.ExitCode, verify.ToString());
        StringAssert.Contains(verify.Output, "verified: both graphs are as exported");

        // A category's code changed in the encoder's LabelEncoder: every shape still fits, so only the digest notices.
        var edited = RepoPaths.NewTempFolder("table-digest");
        foreach (var f in Directory.GetFiles(_model)) File.Copy(f, Path.Combine(edited, Path.GetFileName(f)));
        var path = Path.Combine(edited, "encoder.onnx");
        var graph = VaeOnnx.Contract.Onnx.Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var codes = graph.Graph.Node.Where(n => n.OpType == "LabelEncoder").SelectMany(n => n.Attribute).First(a => a.Name == "values_int64s" && a.Ints.Distinct().Count() > 1);
        codes.Ints[0] = codes.Ints.First(v => v != codes.Ints[0]);
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(graph));
        var e = Assert.ThrowsExactly<VaeModelLoadException>(() => VaeModel.Load(edited));
        StringAssert.StartsWith(e.Message, $"{path}: weights digest mismatch");
    }

    [TestMethod]
    public void ContributionsSumToTheWholeScoreAndScoresMatchTheTrainedModel()
    {
        var model = VaeModel.Load(_model);
        var table = RawTableReader.Read(_data);
        var rows = new VaeTableRows(model.Table!, new TableFeaturizer(model.Table!).GraphInputs(table));
        var ml = new MLContext(1);
        var view = rows.ToDataView();
        using var transformer = ml.Transforms.VaeTableScore(model).Fit(view);
        var scored = transformer.Transform(view);
        var score = scored.GetColumn<float>("Score").ToArray();
        var recon = scored.GetColumn<float>("Score_recon").ToArray();
        var kl = scored.GetColumn<float>("Score_kl").ToArray();
        var anomaly = scored.GetColumn<bool>("IsAnomaly").ToArray();
        var contributions = scored.GetColumn<VBuffer<float>>("Score_contrib").Select(v => v.DenseValues().ToArray()).ToArray();
        var reference = TorchTableScorer.Score(_trained!.Model, new TableFeaturizer(model.Table!).Featurize(table));
        float threshold = model.Table!.Threshold!.Score;
        for (int r = 0; r < score.Length; r++)
        {
            Assert.AreEqual(score[r], contributions[r].Sum(), 1e-4 * Math.Max(1, Math.Abs(score[r])), $"row {r}: contributions sum to the score, KL included");
            // The KL goes to the columns with a positive term, in proportion: their order is the likelihood's.
            var (terms, positive) = (reference.Contributions.AsSpan(r * 5, 5).ToArray(), reference.Contributions.AsSpan(r * 5, 5).ToArray().Sum(v => Math.Max(v, 0)));
            for (int j = 0; j < 5; j++)
            {
                double expected = terms[j] + (positive > 0 ? reference.Kl[r] * Math.Max(terms[j], 0) / positive : reference.Kl[r] / 5);
                Assert.AreEqual(expected, contributions[r][j], 1e-3 * Math.Max(1, Math.Abs(expected)), $"row {r}, column {j}: its term plus its share of the KL");
            }
            Assert.AreEqual(score[r], recon[r] + kl[r], 1e-4 * Math.Max(1, Math.Abs(score[r])));
            Assert.AreEqual(reference.Score[r], score[r], 1e-3 * Math.Max(1, Math.Abs(score[r])), $"row {r}: ONNX Runtime score = TorchSharp score");
            Assert.AreEqual(score[r] >= threshold, anomaly[r]);
        }
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["Score_contrib"].GetSlotNames(ref slotNames);
        CollectionAssert.AreEqual(new[] { "city", "vip", "age", "amount", "visits" }, slotNames.DenseValues().Select(s => s.ToString()).ToArray());
        double alarms = anomaly.Count(a => a) / (double)anomaly.Length;
        Assert.IsTrue(alarms is > 0.01 and < 0.12, $"false-alarm rate on the whole file {alarms:P1} for a 5% threshold");
    }

    [TestMethod]
    public void UnknownValuesAreAlwaysFlaggedWithTheirColumnOnTopAndACorruptedFieldIsTheTopContribution()
    {
        var model = VaeModel.Load(_model);
        var schema = model.Table!;
        // Rows 2-4 and 6 hold an anomalous value in an otherwise ordinary row; row 5 is Atlantis in the most typical row there is.
        string[] city = ["Paris", "Paris", "Atlantis", "Paris", "", "Atlantis", "Paris"], vip = ["yes", "yes", "yes", "maybe", "yes", "yes", "yes"];
        float[] age = [45, 45, 45, 45, 45, 45, 45], amount = [135, float.NaN, 135, 135, 135, 135, 135], visits = [5, 5, 5, 5, 5, 5, 5];
        age[6] = (float)(schema.Column("age")!.Max + (TableSchema.RangeMarginSd + 1) / schema.Column("age")!.Scale);
        var rows = new VaeTableRows(schema, [city, vip, age, amount, visits]);
        var (score, anomaly, contributions) = Scores(model, rows);
        int[] top = [0, 0, 0, 1, 0, 0, 2];
        foreach (int r in new[] { 2, 3, 4, 5, 6 })
        {
            Assert.IsTrue(anomaly[r] && score[r] >= schema.Threshold!.Score, $"row {r} scores {score[r]} against {schema.Threshold!.Score}: flagged");
            var others = contributions[r].Where((_, j) => j != top[r]).ToArray();
            Assert.IsTrue(contributions[r][top[r]] >= others.Max(v => Math.Max(v, 0)) + schema.UnknownCost - 1e-4, $"row {r}: column {top[r]} on top by ln(n + 1) at least: {string.Join(", ", contributions[r])}");
            Assert.AreEqual(score[r], contributions[r].Sum(), 1e-4 * Math.Max(1, score[r]), $"row {r}: the contributions still add up to the score");
        }
        Assert.IsFalse(anomaly[0] || anomaly[1], "an ordinary row, and one with a blank amount (blanks in training), are not flagged");
        Assert.IsTrue(contributions[1][3] < 5, "a blank amount costs only its indicator term and its KL share");
        // An age five standard deviations off, inside the range margin, is the top contribution by its likelihood alone.
        var odd = new VaeTableRows(schema, [new[] { "Paris" }, new[] { "yes" }, new[] { 45f + 5 / schema.Column("age")!.Scale }, new[] { 135f }, new[] { 5f }]);
        var c = Scores(model, odd).Contributions[0];
        Assert.AreEqual(2, Array.IndexOf(c, c.Max()), string.Join(", ", c));
    }

    [TestMethod]
    public void PredictionEngineScoresASingleRowLikeTheBlock()
    {
        var model = VaeModel.Load(_model);
        var ml = new MLContext(1);
        var input = ml.Data.LoadFromEnumerable([new CustomerRow { City = "Rome", Vip = false, Age = 29, Amount = float.NaN, Visits = 1 }]);
        using var transformer = ml.Transforms.VaeTableScore(model).Fit(input);
        var block = transformer.Transform(input).GetColumn<float>("Score").Single();
        using var engine = ml.Model.CreatePredictionEngine<CustomerRow, CustomerScore>(transformer);
        var single = engine.Predict(new CustomerRow { City = "Rome", Vip = false, Age = 29, Amount = float.NaN, Visits = 1 });
        Assert.AreEqual(block, single.Score, 1e-5);
        Assert.AreEqual(single.Score, single.Score_contrib.Sum(), 1e-4);
        Assert.AreEqual(5, single.Score_contrib.Length);
    }

    [TestMethod]
    public void AFittedTableScoreSavesIntoAnMlNetZipAndReloadsWithTheSameNumbers()
    {
        // ML.NET's OnnxTransformer feeds the encoder's [N,1] string inputs from Text columns (and a bool flag, an int
        // count through stock conversions), so the saved form is a chain of stock transformers with the graphs inside.
        var model = VaeModel.Load(_model);
        var ml = new MLContext(1);
        var rows = new[]
        {
            new CustomerRow { City = "Rome", Vip = false, Age = 29, Amount = float.NaN, Visits = 1 },
            new CustomerRow { City = "Paris", Vip = true, Age = 45, Amount = 135, Visits = 5 },
            new CustomerRow { City = "Atlantis", Vip = true, Age = 80, Amount = 10, Visits = 2 },
        };
        var input = ml.Data.LoadFromEnumerable(rows);
        using var transformer = ml.Transforms.VaeTableScore(model).Fit(input);
        var zip = Path.Combine(_folder, "table-chain.zip");
        ml.Model.Save(transformer, input.Schema, zip);
        var reader = new MLContext(2);
        VaeModel.Register(reader);
        var loaded = reader.Model.Load(zip, out _);
        Assert.IsNotInstanceOfType<VaeOnnx.Inference.Transforms.VaeTableScoreTransformer>(loaded, "the zip holds ML.NET's own transformers");
        var (live, reloaded) = (transformer.Transform(input), loaded.Transform(input));
        foreach (var column in new[] { "Score", "Score_recon", "Score_kl" })
        {
            var (a, b) = (live.GetColumn<float>(column).ToArray(), reloaded.GetColumn<float>(column).ToArray());
            for (int r = 0; r < rows.Length; r++) Assert.AreEqual(a[r], b[r], 1e-5 * Math.Max(1, Math.Abs(a[r])), $"{column} row {r}");
        }
        CollectionAssert.AreEqual(live.GetColumn<bool>("IsAnomaly").ToArray(), reloaded.GetColumn<bool>("IsAnomaly").ToArray());
        Assert.IsTrue(reloaded.GetColumn<bool>("IsAnomaly").ToArray()[2], "the row from Atlantis is an anomaly after the reload too");
        var (ca, cb) = (live.GetColumn<VBuffer<float>>("Score_contrib").ToArray(), reloaded.GetColumn<VBuffer<float>>("Score_contrib").ToArray());
        for (int r = 0; r < rows.Length; r++)
            CollectionAssert.AreEqual(ca[r].DenseValues().ToArray(), cb[r].DenseValues().ToArray(), Comparer<float>.Create((x, y) => Math.Abs(x - y) <= 1e-5f * Math.Max(1, Math.Abs(x)) ? 0 : 1), $"row {r}");
        var schema = reloaded.Schema;
        Assert.AreEqual(NumberDataViewType.Single, schema["Score"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, schema["IsAnomaly"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 5), schema["Score_contrib"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, schema["vip"].Type, "the user's columns come back as they were");
        Assert.AreEqual(NumberDataViewType.Int32, schema["visits"].Type);
        Assert.IsFalse(schema.Any(c => !c.IsHidden && c.Name.StartsWith("__vae_", StringComparison.Ordinal)), string.Join(", ", schema.Select(c => c.Name)));
        using var engine = reader.Model.CreatePredictionEngine<CustomerRow, CustomerScore>(loaded);
        Assert.AreEqual(live.GetColumn<float>("Score").ToArray()[1], engine.Predict(rows[1]).Score, 1e-4);
        // VaeModel.LoadChain finds the table step's marker and puts the block transformer back: the fitted numbers, to the
        // last float32 digit that ONNX Runtime's threaded GEMM may round differently from one run to the next.
        var chained = VaeModel.LoadChain(new MLContext(3), zip, out _);
        Assert.IsInstanceOfType<VaeOnnx.Inference.Transforms.VaeTableScoreTransformer>(chained, "block scoring again");
        var blockScored = chained.Transform(input);
        var (fitted, again) = (live.GetColumn<float>("Score").ToArray(), blockScored.GetColumn<float>("Score").ToArray());
        for (int r = 0; r < rows.Length; r++) Assert.AreEqual(fitted[r], again[r], 1e-6 * Math.Max(1, Math.Abs(fitted[r])), $"block-scored row {r}");
        CollectionAssert.AreEqual(live.GetColumn<bool>("IsAnomaly").ToArray(), blockScored.GetColumn<bool>("IsAnomaly").ToArray());
        Assert.AreEqual(BooleanDataViewType.Instance, blockScored.Schema["vip"].Type, "the user's columns pass through");
        (chained as IDisposable)?.Dispose();

        var text = ml.Data.LoadFromEnumerable([new TextAmountRow()]);
        using var refused = ml.Transforms.VaeTableScore(model).Fit(text);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.Save(refused, text.Schema, Path.Combine(_folder, "text.zip")));
        StringAssert.Contains(e.Message, "column 'amount' is String");
    }

    [TestMethod]
    public void SynthesisIsReproducibleAndWritesTheTablesValues()
    {
        var model = VaeModel.Load(_model);
        using var synthesizer = new VaeTableSynthesizer(model);
        var a = synthesizer.Sample(2000, 7);
        var b = synthesizer.Sample(2000, 7);
        var c = synthesizer.Sample(2000, 8);
        for (int j = 0; j < 5; j++)
            CollectionAssert.AreEqual(Enumerable.Range(0, 2000).Select(r => a.Cell(r, j)).ToArray(), Enumerable.Range(0, 2000).Select(r => b.Cell(r, j)).ToArray());
        Assert.IsFalse(Enumerable.Range(0, 50).All(r => a.Cell(r, 2) == c.Cell(r, 2)), "another seed, other rows");
        var cities = (string[])a.Columns[0];
        Assert.IsTrue(cities.All(TableFiles.Cities.Contains));
        Assert.IsTrue(((string[])a.Columns[1]).All(v => v is "yes" or "no"), "flags in the file's spellings");
        var visits = (float[])a.Columns[4];
        Assert.IsTrue(visits.All(v => v == MathF.Round(v) && v >= 0 && v <= 6), "integers whole and within the training range");
        double blank = ((float[])a.Columns[3]).Count(float.IsNaN) / 2000.0;
        Assert.AreEqual(model.Table!.Column("amount")!.MissingRate, blank, 0.05, "blank amounts at the learned rate");
        // The flag follows the city as in the training file: VIPs are far more common in Paris.
        double parisVip = Rate(cities, (string[])a.Columns[1], "Paris"), romeVip = Rate(cities, (string[])a.Columns[1], "Rome");
        Assert.IsTrue(parisVip > romeVip + 0.4, $"P(vip | Paris) {parisVip:F2}, P(vip | Rome) {romeVip:F2}");
    }

    [TestMethod]
    public void SynthesisInBlocksGivesTheRowsOfOneDraw()
    {
        using var synthesizer = new VaeTableSynthesizer(VaeModel.Load(_model));
        var whole = synthesizer.Sample(2500, 7);
        var blocks = synthesizer.SampleBlocks(2500, 7, blockRows: 1024).ToList();
        CollectionAssert.AreEqual(new[] { 1024, 1024, 452 }, blocks.Select(b => b.Count).ToArray());
        var cells = blocks.SelectMany(b => Enumerable.Range(0, b.Count).Select(r => string.Join('|', Enumerable.Range(0, 5).Select(j => b.Cell(r, j))))).ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(0, 2500).Select(r => string.Join('|', Enumerable.Range(0, 5).Select(j => whole.Cell(r, j)))).ToArray(), cells);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => synthesizer.SampleBlocks(2500, 7, blockRows: 1000));
        StringAssert.Contains(e.Message, "blocks must be a positive multiple of 1024 rows");
        Assert.AreEqual(0, synthesizer.Sample(0, 7).Count);
    }

    [TestMethod]
    public void MissingCellsAreMaskedOutOfTheLikelihood()
    {
        var columns = _trained!.Model.Columns!;
        var schema = _trained.Model.Table!;
        var span = schema.Spans[3];
        using var scope = NewDisposeScope();
        var decoded = randn(4, schema.FeatureCount, generator: new TorchSharp.torch.Generator(5));
        var x = zeros(4, schema.FeatureCount);
        x[.., span.Indicator] = tensor(1f);
        var baseline = columns.PerColumn(decoded, x, _trained.Model.decoder_logvar);
        x[.., span.Start] = tensor(123f);
        var imputedElsewhere = columns.PerColumn(decoded, x, _trained.Model.decoder_logvar);
        Assert.AreEqual(0.0, (baseline - imputedElsewhere).abs().max().item<float>(), 1e-7, "the value under a blank cell never reaches the loss");
    }

    [TestMethod]
    public void TheThresholdIsAQuantileOfTheScoresTheServedPairComputesOnTheHeldOutRows()
    {
        var model = VaeModel.Load(_model);
        var heldOut = TableDataLoader.HeldOutRows(VaeCheckpoint.ReadInfo(_checkpoint), null);
        var rows = new VaeTableRows(model.Table!, new TableFeaturizer(model.Table!).GraphInputs(heldOut));
        var served = TableScoreOutput.Score(model, rows);
        var threshold = model.Table!.Threshold!;
        // Calibrated on the exported graphs' float32 scores, not on TorchSharp's: the stored threshold is exactly one of
        // the numbers VaeTableScore computes, and exactly the rows the calibration counted above it are flagged.
        var expected = AnomalyCalibration.Calibrate(served.Score, threshold.FalseAlarmRate);
        Assert.AreEqual(expected.Score, threshold.Score, "the threshold is the conformal quantile of the served scores");
        CollectionAssert.Contains(served.Score, threshold.Score);
        Assert.AreEqual(threshold.CalibrationAlarmRate * heldOut.Rows.Count, served.IsAnomaly.Count(flag => flag), 1e-9);
        var torch = TorchTableScorer.Score(_trained!.Model, new TableFeaturizer(model.Table).Featurize(heldOut));
        Assert.AreEqual(threshold.Score, AnomalyCalibration.Calibrate(torch.Score.Select(s => (float)s).ToArray(), threshold.FalseAlarmRate).Score, 1e-4, "TorchSharp agrees to float precision");
    }

    [TestMethod]
    public void VaeScoreStreamsBlockByBlockWithTheNumbersOfOneWholePass()
    {
        var model = VaeModel.Load(_model);
        var whole = TableScoreOutput.Score(model, TableInput.Read(_data, model.Table!));
        var (small, large) = (Path.Combine(_folder, "scores-7.csv"), Path.Combine(_folder, "scores-all.csv"));
        Assert.AreEqual(600L, TableScoreOutput.ScoreFile(model, _data, small, blockRows: 7));
        Assert.AreEqual(600L, TableScoreOutput.ScoreFile(model, _data, large));
        var (blocks, once) = (File.ReadAllLines(small), File.ReadAllLines(large));
        Assert.AreEqual("score,recon,kl,is_anomaly,contrib.city,contrib.vip,contrib.age,contrib.amount,contrib.visits", once[0]);
        Assert.AreEqual(once[0], blocks[0]);
        for (int r = 0; r < 600; r++)
        {
            var (cells, blockCells) = (once[r + 1].Split(','), blocks[r + 1].Split(','));
            float[] Numbers(string[] c) => [.. c[..3].Concat(c[4..]).Select(v => float.Parse(v, CultureInfo.InvariantCulture))];
            // ONNX Runtime's threaded GEMM may round the last float digit differently between runs and batch sizes (blocks of
            // 7 take other kernels), so the file's numbers are held to the in-memory pass within float32 rounding.
            var reference = new[] { whole.Score[r], whole.Reconstruction[r], whole.Kl[r] }.Concat(whole.Contributions[r]).ToArray();
            foreach (var (file, what) in new[] { (Numbers(cells), "one block"), (Numbers(blockCells), "blocks of 7 rows") })
                for (int j = 0; j < reference.Length; j++)
                    Assert.AreEqual(reference[j], file[j], 1e-5 * Math.Max(1, Math.Abs(reference[j])), $"row {r}, value {j}: {what}");
            if (Math.Abs(whole.Score[r] - model.Table!.Threshold!.Score) > 1e-4)
            {
                Assert.AreEqual(whole.IsAnomaly[r] ? "true" : "false", cells[3], $"row {r}: is_anomaly");
                Assert.AreEqual(cells[3], blockCells[3], $"row {r}: is_anomaly in blocks of 7");
            }
        }
    }

    [TestMethod]
    public void ABadCellInALaterBlockNamesItsLineAndLeavesNoOutput()
    {
        var model = VaeModel.Load(_model);
        var text = File.ReadAllLines(_data);
        var cells = text[250].Split(',');
        cells[4] = "abc";
        text[250] = string.Join(',', cells);
        var bad = TableFiles.Write(_folder, "bad-late.csv", string.Join('\n', text));
        var output = Path.Combine(_folder, "bad-late-scores.csv");
        var error = Assert.ThrowsExactly<DataFormatException>(() => TableScoreOutput.ScoreFile(model, bad, output, blockRows: 16));
        StringAssert.Contains(error.Message, "line 251, column 'amount': 'abc' is not a number");
        Assert.IsFalse(File.Exists(output), "blocks 1-15 were scored, yet nothing half-written is left");
        Assert.AreEqual(0, Directory.GetFiles(_folder, "*.tmp").Length + Directory.GetFiles(_folder, ".*.tmp").Length, "the temporary file is removed");
    }

    private static double Rate(string[] cities, string[] vip, string city) =>
        cities.Zip(vip).Where(p => p.First == city).Average(p => p.Second == "yes" ? 1.0 : 0.0);

    private static (float[] Score, bool[] IsAnomaly, float[][] Contributions) Scores(VaeModel model, VaeTableRows rows)
    {
        var ml = new MLContext(1);
        var view = rows.ToDataView();
        using var transformer = ml.Transforms.VaeTableScore(model).Fit(view);
        var scored = transformer.Transform(view);
        return (scored.GetColumn<float>("Score").ToArray(), scored.GetColumn<bool>("IsAnomaly").ToArray(),
            scored.GetColumn<VBuffer<float>>("Score_contrib").Select(v => v.DenseValues().ToArray()).ToArray());
    }

    private sealed class CustomerRow
    {
        [ColumnName("city")] public string City { get; set; } = "";
        [ColumnName("vip")] public bool Vip { get; set; }
        [ColumnName("age")] public float Age { get; set; }
        [ColumnName("amount")] public float Amount { get; set; }
        [ColumnName("visits")] public int Visits { get; set; }
    }

    private sealed class TextAmountRow
    {
        [ColumnName("city")] public string City { get; set; } = "Rome";
        [ColumnName("vip")] public string Vip { get; set; } = "no";
        [ColumnName("age")] public float Age { get; set; } = 30;
        [ColumnName("amount")] public string Amount { get; set; } = "";
        [ColumnName("visits")] public float Visits { get; set; } = 1;
    }

    private sealed class CustomerScore
    {
        public float Score { get; set; }
        public float Score_recon { get; set; }
        public float[] Score_contrib { get; set; } = [];
        public bool IsAnomaly { get; set; }
    }
}
