using System.Text.Json;
using VaeOnnx.Cli.Scoring;
using VaeOnnx.Contract.IO;
using VaeOnnx.Inference;
using VaeOnnx.Tables;
using VaeOnnx.Tests.Cli;
using VaeOnnx.Training.Checkpoints;

namespace VaeOnnx.Tests.Tables;

/// <summary>
/// Id columns (issue 22): one tiny table model trained with <c>--id-column id</c> on customers whose ids hold commas,
/// quotes and spaces; its ids are kept out of the features, copied through scores, made fresh by synthesize and named by
/// the report.
/// </summary>
[TestClass]
public sealed class IdColumnTests
{
    private const int Rows = 200;
    private static string _folder = "", _data = "", _model = "", _run = "";
    private static string[] _ids = [];

    [ClassInitialize]
    public static void Train(TestContext _)
    {
        _folder = RepoPaths.NewTempFolder("table-ids");
        _data = TableFiles.Customers(_folder, Rows);
        _ids = Enumerable.Range(0, Rows).Select(i => i % 3 == 0 ? $"Müller, \"{i}\"" : $"K {i:D4}").ToArray();
        var lines = File.ReadAllLines(_data);
        File.WriteAllLines(_data, lines.Take(1).Concat(lines.Skip(1).Select((line, i) => CsvText.Cell(_ids[i]) + line[line.IndexOf(',')..])));
        (_run, _model) = (Path.Combine(_folder, "run"), Path.Combine(_folder, "model"));
        var train = CliRun.Invoke("train", "--data", _data, "--id-column", "id", "--hidden", "16", "--latent", "2", "--epochs", "3",
            "--batch", "64", "--threads", "2", "--iw-samples", "0", "--out", _run);
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        var export = CliRun.Invoke("export", "--checkpoint", _run, "--out", _model, "--false-alarm-rate", "0.05");
        Assert.AreEqual(0, export.ExitCode, export.ToString());
    }

    [TestMethod]
    public void TheIdIsInTheSchemaOfTheCheckpointAndBothGraphsAndNeverAFeature()
    {
        var model = VaeModel.Load(_model);
        CollectionAssert.AreEqual(new[] { "id" }, model.Table!.IdColumns.ToArray());
        CollectionAssert.AreEqual(new[] { "city", "vip", "age", "amount", "visits" }, model.Table.Columns.Select(c => c.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "id" }, VaeCheckpoint.ReadInfo(_run).Table!.IdColumns.ToArray());
        foreach (var graph in new[] { model.EncoderPath, model.DecoderPath })
            StringAssert.Contains(VaeOnnx.Contract.Onnx.OnnxFile.Read(graph).Metadata[VaeMetadataKeys.TableSchema], "\"id_columns\":[\"id\"]", graph);
        var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(_model, "model.json"))).RootElement;
        StringAssert.Contains(card.GetProperty("training_command").GetString(), " --id-column id ");
    }

    [TestMethod]
    public void IdsAreRecordedInTheFilesColumnOrderAndTakenOutOfInference()
    {
        var table = RawTableReader.Read(_data);
        var schema = ColumnTypeInference.Infer(table, Enumerable.Range(0, Rows).ToArray(), new TableReadOptions { IdColumns = ["visits", "id"] });
        CollectionAssert.AreEqual(new[] { "id", "visits" }, schema.IdColumns.ToArray());
        CollectionAssert.AreEqual(new[] { "city", "vip", "age", "amount" }, schema.Columns.Select(c => c.Name).ToArray());
        var typed = Assert.ThrowsExactly<DataFormatException>(() => ColumnTypeInference.Infer(table, [0, 1],
            new TableReadOptions { IdColumns = ["visits"], ColumnTypes = new Dictionary<string, ColumnKind> { ["visits"] = ColumnKind.Integer } }));
        StringAssert.Contains(typed.Message, "--column-types names 'visits', which is ignored, an id or the label");
    }

    [TestMethod]
    public void AMissingIdColumnAtTrainingIsOneLineNamingTheFileAndTheColumn()
    {
        var train = CliRun.Invoke("train", "--data", _data, "--id-column", "customer_id", "--epochs", "1", "--out", Path.Combine(_folder, "no-run"));
        Assert.AreEqual(1, train.ExitCode, train.ToString());
        Assert.AreEqual($"error: {_data}: --id-column: no column 'customer_id'; the columns are id, city, vip, age, amount, visits", train.Error.Trim());
        Assert.IsFalse(Directory.Exists(Path.Combine(_folder, "no-run")), "nothing is trained");

        var copied = TableFiles.Write(_folder, "synthetic-ids.csv", File.ReadAllText(_data).Replace("K 0004,", "synthetic-000004,"));
        var clash = Assert.ThrowsExactly<DataFormatException>(() =>
            ColumnTypeInference.Infer(RawTableReader.Read(copied), [0], new TableReadOptions { IdColumns = ["id"] }));
        Assert.AreEqual($"{copied}: line 6, id column 'id': 'synthetic-000004' starts with 'synthetic-', which vae synthesize gives its fresh ids; rename such ids so that synthetic rows never share one", clash.Message);
    }

    [TestMethod]
    public void ScoresStartWithTheInputsIdsRowForRowAcrossBlocks()
    {
        var model = VaeModel.Load(_model);
        var output = Path.Combine(_folder, "scores.csv");
        Assert.AreEqual((long)Rows, TableScoreOutput.ScoreFile(model, _data, output, blockRows: 7));
        var scored = RawTableReader.Read(output);
        Assert.AreEqual("id,score,recon,kl,is_anomaly,contrib.city,contrib.vip,contrib.age,contrib.amount,contrib.visits", File.ReadLines(output).First());
        CollectionAssert.AreEqual(_ids, scored.Rows.Select(r => r[0]).ToArray());
        StringAssert.Contains(File.ReadAllText(output), "\n\"Müller, \"\"3\"\"\",", "an id with a comma and quotes is CSV-escaped");

        // Without the id column the scores are the same, and one note says which column was missing.
        var withoutIds = WithoutIds("no-ids.csv");
        var plain = Path.Combine(_folder, "plain-scores.csv");
        var notes = new StringWriter();
        TableScoreOutput.ScoreFile(model, withoutIds, plain, blockRows: 64, notes: notes);
        Assert.AreEqual($"note: {withoutIds} has no id column 'id' (recorded by the model); its rows are identified by their line", notes.ToString().Trim());
        var plainRows = RawTableReader.Read(plain);
        Assert.AreEqual("score", plainRows.Header[0]);
        Assert.AreEqual(Rows, plainRows.Rows.Count);
        static double Score(string cell) => double.Parse(cell, System.Globalization.CultureInfo.InvariantCulture);
        // Two sessions may round the last float digit differently (ONNX Runtime's threaded kernels), hence the tolerance.
        for (int r = 0; r < Rows; r++) Assert.AreEqual(Score(scored.Rows[r][1]), Score(plainRows.Rows[r][0]), 1e-4, $"row {r}");
    }

    [TestMethod]
    public void ScoreCanPassThroughAColumnTheModelDidNotRecord()
    {
        var output = Path.Combine(_folder, "by-city.csv");
        var score = CliRun.Invoke("score", "--model", _model, "--input", _data, "--id-column", "city,id", "--output", output);
        Assert.AreEqual(0, score.ExitCode, score.ToString());
        var (input, scored) = (RawTableReader.Read(_data), RawTableReader.Read(output));
        CollectionAssert.AreEqual(new[] { "city", "id", "score" }, scored.Header.Take(3).ToArray());
        CollectionAssert.AreEqual(input.Rows.Select(r => r[1] + "|" + r[0]).ToArray(), scored.Rows.Select(r => r[0] + "|" + r[1]).ToArray());

        var wrong = CliRun.Invoke("score", "--model", _model, "--input", _data, "--id-column", "customer", "--output", Path.Combine(_folder, "wrong.csv"));
        Assert.AreEqual(1, wrong.ExitCode, wrong.ToString());
        StringAssert.Contains(wrong.Error, $"{_data}: --id-column: no column 'customer'; the columns are id, city");
    }

    [TestMethod]
    public void SynthesizedIdsAreFreshUniqueAndFirst()
    {
        var output = Path.Combine(_folder, "synthetic.csv");
        var synthesize = CliRun.Invoke("synthesize", "--model", _model, "--count", "40", "--seed", "2", "--output", output);
        Assert.AreEqual(0, synthesize.ExitCode, synthesize.ToString());
        var rows = RawTableReader.Read(output);
        CollectionAssert.AreEqual(new[] { "id", "city", "vip", "age", "amount", "visits" }, rows.Header.ToArray());
        var ids = rows.Rows.Select(r => r[0]).ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(1, 40).Select(k => $"synthetic-{k:D6}").ToArray(), ids);
        Assert.AreEqual(0, ids.Intersect(_ids).Count(), "no synthetic id is a training id");
    }

    [TestMethod]
    public void ASynthesisLargerThanOneBlockIsWrittenBlockByBlockWithIdsNumberedAcrossBlocks()
    {
        const int count = 70_000; // more than the 65,536 rows vae synthesize draws and writes at a time
        var output = Path.Combine(_folder, "synthetic-large.csv");
        var synthesize = CliRun.Invoke("synthesize", "--model", _model, "--count", $"{count}", "--seed", "3", "--output", output);
        Assert.AreEqual(0, synthesize.ExitCode, synthesize.ToString());
        StringAssert.Contains(synthesize.Error, $"synthesize: {count} rows (seed 3)");
        var rows = RawTableReader.Read(output);
        Assert.AreEqual(count, rows.Rows.Count);
        CollectionAssert.AreEqual(Enumerable.Range(1, count).Select(k => $"synthetic-{k:D6}").ToArray(), rows.Rows.Select(r => r[0]).ToArray());

        // The same rows as one draw of the whole count: blocks follow the same sequence of draws.
        using var synthesizer = new VaeTableSynthesizer(VaeModel.Load(_model));
        var whole = synthesizer.Sample(count, 3);
        foreach (int r in new[] { 0, 65_535, 65_536, count - 1 })
            CollectionAssert.AreEqual(Enumerable.Range(0, whole.ColumnNames.Count).Select(j => whole.Cell(r, j)).ToArray(), rows.Rows[r].Skip(1).ToArray(), $"row {r}");
    }

    [TestMethod]
    public void TheReportNamesTheMostUnusualRowsByTheirIds()
    {
        var scores = Path.Combine(_folder, "report-scores.csv");
        TableScoreOutput.ScoreFile(VaeModel.Load(_model), _data, scores);
        var scored = RawTableReader.Read(scores).Rows;
        var top = scored.OrderByDescending(r => double.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture)).First()[0];

        var folder = Path.Combine(_folder, "report");
        var report = CliRun.Invoke("report", "--model", _model, "--data", _data, "--out", folder, "--count", "50");
        Assert.AreEqual(0, report.ExitCode, report.ToString());
        var table = File.ReadAllLines(Path.Combine(folder, "report.md")).SkipWhile(l => !l.StartsWith("| id | score", StringComparison.Ordinal)).ToArray();
        Assert.IsTrue(table.Length > 2, "the anomaly table is headed by the id column");
        StringAssert.StartsWith(table[2], $"| {top} | ");
    }

    [TestMethod]
    public void WithoutAnIdTheReportNamesLines()
    {
        var noIds = WithoutIds("report-no-ids.csv");
        var scores = Path.Combine(_folder, "line-scores.csv");
        TableScoreOutput.ScoreFile(VaeModel.Load(_model), noIds, scores);
        var scored = RawTableReader.Read(scores);
        int top = Enumerable.Range(0, Rows).MaxBy(r => double.Parse(scored.Rows[r][0], System.Globalization.CultureInfo.InvariantCulture));
        var folder = Path.Combine(_folder, "report-lines");
        var report = CliRun.Invoke("report", "--model", _model, "--data", noIds, "--out", folder, "--count", "50");
        Assert.AreEqual(0, report.ExitCode, report.ToString());
        StringAssert.Contains(report.Error, "note: ");
        var table = File.ReadAllLines(Path.Combine(folder, "report.md")).SkipWhile(l => !l.StartsWith("| line | score | anomaly |", StringComparison.Ordinal)).ToArray();
        Assert.IsTrue(table.Length > 2, "the anomaly table is headed by the line");
        StringAssert.StartsWith(table[2], $"| {top + 2} | ", "data row r is on line r + 2, after the header");
    }

    /// <summary>The training file without its id column, as a new file.</summary>
    private static string WithoutIds(string name)
    {
        var table = RawTableReader.Read(_data);
        var path = Path.Combine(_folder, name);
        RawTableWriter.Write(new RawTable(path, table.Header.Skip(1).ToArray(), table.Rows.Select(r => r[1..]).ToArray(), table.Lines), path);
        return path;
    }

    [TestMethod]
    public void AnOldSchemaWithoutIdColumnsReadsBackWithNoneAndWritesAsBefore()
    {
        var old = """{"columns":[{"name":"age","kind":"numeric","offset":30,"scale":0.1,"min":18,"max":80}],"missing_texts":["","NA"],"training_rows":100,"label_column":null,"ignored_columns":["id"],"threshold":null}""";
        var schema = JsonSerializer.Deserialize<TableSchema>(old)!;
        Assert.AreEqual(0, schema.IdColumns.Count);
        Assert.IsFalse(schema.ToJson().Contains("id_columns", StringComparison.Ordinal), schema.ToJson());
        Assert.AreEqual(schema.ToJson(), JsonSerializer.Deserialize<TableSchema>(schema.ToJson())!.ToJson());
        var withIds = schema with { IdColumns = ["customer_id"] };
        StringAssert.Contains(withIds.ToJson(), "\"ignored_columns\":[\"id\"],\"id_columns\":[\"customer_id\"]");
        CollectionAssert.AreEqual(new[] { "customer_id" }, JsonSerializer.Deserialize<TableSchema>(withIds.ToJson())!.IdColumns.ToArray());
        var both = Assert.ThrowsExactly<InvalidDataException>(() => (schema with { IdColumns = ["age"] }).Validate());
        Assert.AreEqual("field 'id_columns' names 'age', which is also a feature column", both.Message);
    }
}
