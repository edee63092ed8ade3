using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Tables;
using VaeOnnx.Tests.Cli;
using VaeOnnx.Tests.Serving;
using VaeOnnx.Trainers;

namespace VaeOnnx.Tests.Tables;

/// <summary>
/// Date and date-time columns (issue 22): inferred for ISO 8601, declared with a format otherwise, modelled as days since
/// the column's origin, scored when outside the training range, synthesized back in the file's format within it, and
/// read as JSON strings by the service. Two tiny models: a date-only table (ISO) and orders with a day-first date and a
/// date-time, both trained and exported through the CLI.
/// </summary>
[TestClass]
public sealed class DateColumnTests
{
    private static string _folder = "", _datesOnly = "", _datesModel = "", _orders = "", _ordersModel = "", _trainOutput = "";
    private static ExportResult? _ordersExport;

    [ClassInitialize]
    public static void Train(TestContext _)
    {
        _folder = RepoPaths.NewTempFolder("table-dates");
        var orders = RawTableReader.Read(TableFiles.Orders(_folder, name: "iso-orders.csv"));
        _datesOnly = TableFiles.Write(_folder, "dates.csv", "order_date\n" + string.Join("\n", orders.Rows.Select(r => r[1])) + "\n");
        (_datesModel, _ordersModel) = (Path.Combine(_folder, "dates-model"), Path.Combine(_folder, "orders-model"));
        var train = CliRun.Invoke("train", "--data", _datesOnly, "--hidden", "16", "--latent", "2", "--epochs", "3", "--batch", "64",
            "--threads", "2", "--iw-samples", "0", "--out", Path.Combine(_folder, "dates-run"));
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        _trainOutput = train.Output + train.Error;
        var export = CliRun.Invoke("export", "--checkpoint", Path.Combine(_folder, "dates-run"), "--out", _datesModel, "--false-alarm-rate", "0.05");
        Assert.AreEqual(0, export.ExitCode, export.ToString());

        _orders = TableFiles.Orders(_folder, dateFormat: "dd/MM/yyyy");
        var trainOrders = CliRun.Invoke("train", "--data", _orders, "--id-column", "id", "--column-types", "order_date:date", "--date-format", "dd/MM/yyyy",
            "--hidden", "16", "--latent", "2", "--epochs", "3", "--batch", "64", "--threads", "2", "--iw-samples", "0", "--out", Path.Combine(_folder, "orders-run"));
        Assert.AreEqual(0, trainOrders.ExitCode, trainOrders.ToString());
        _ordersExport = VaeOnnxExporter.ExportCheckpoint(Path.Combine(_folder, "orders-run"), _ordersModel, falseAlarmRate: 0.05);
    }

    private static RawTable Table(params (string Name, Func<int, string> Cell)[] columns) =>
        new("dates.csv", columns.Select(c => c.Name).ToArray(),
            Enumerable.Range(0, 60).Select(r => columns.Select(c => c.Cell(r)).ToArray()).ToArray(), Enumerable.Range(2, 60).ToArray());

    [TestMethod]
    public void IsoDatesAndDateTimesAreInferredWithTheirFormatAndOrigin()
    {
        var day0 = new DateTime(2024, 1, 31, 8, 30, 15, DateTimeKind.Utc);
        string At(int r, string format) => day0.AddDays(r).AddMinutes(7 * r).ToString(format, CultureInfo.InvariantCulture);
        var table = Table(("d", r => At(r, "yyyy-MM-dd")), ("t", r => At(r, "yyyy-MM-ddTHH:mm")), ("s", r => At(r, "yyyy-MM-dd HH:mm:ss")),
            ("zoned", r => r % 2 == 0 ? At(r, "yyyy-MM-ddTHH:mm:ssZ") : At(r, "yyyy-MM-ddTHH:mm:ss") + "+02:00"), ("n", r => (r * 1.5).ToString(CultureInfo.InvariantCulture)));
        var schema = ColumnTypeInference.Infer(table, Enumerable.Range(0, 60).ToArray(), new TableReadOptions());
        CollectionAssert.AreEqual(new[] { ColumnKind.Date, ColumnKind.DateTime, ColumnKind.DateTime, ColumnKind.DateTime, ColumnKind.Numeric },
            schema.Columns.Select(c => c.Kind).ToArray(), "60 distinct dates are a date column, not an id");
        CollectionAssert.AreEqual(new[] { "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK" },
            schema.Columns.Take(4).Select(c => c.DateFormat).ToArray());
        var d = schema.Column("d")!;
        Assert.AreEqual(new DateTime(2024, 1, 31, 0, 0, 0, DateTimeKind.Utc), d.Origin);
        Assert.AreEqual((0.0, 59.0), (d.Min, d.Max), "a date is whole days since the earliest");
        Assert.AreEqual(29.5f, d.Offset, 1e-5f);
        var s = schema.Column("s")!;
        Assert.AreEqual((8 * 60 + 30 + 15 / 60.0) / 1440, s.Min, 1e-6, "a date-time is fractional days since midnight of the earliest");
        Assert.IsTrue(TableDates.TryDays(schema.Column("zoned")!, "2024-02-01T10:00:00+02:00", out float zoned), "an offset is read");
        Assert.AreEqual(1 + 8 / 24.0, zoned, 1e-5, "as UTC");
        Assert.AreEqual("2024-03-01 00:00:00", TableDates.Text(s, 30), "written back in the file's format");
        Assert.AreEqual("2024-02-01T08:00:00Z", TableDates.Text(schema.Column("zoned")!, 1 + 8 / 24.0), "a zone is written as Z");
    }

    [TestMethod]
    public void ADeclaredFormatReadsDayFirstDatesAndAMissingOneIsOneLine()
    {
        var table = Table(("paid", r => new DateTime(2023, 12, 20).AddDays(r).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)));
        var declared = new TableReadOptions { ColumnTypes = new Dictionary<string, ColumnKind> { ["paid"] = ColumnKind.Date }, DateFormat = "dd/MM/yyyy" };
        var paid = ColumnTypeInference.Infer(table, Enumerable.Range(0, 60).ToArray(), declared).Columns[0];
        Assert.AreEqual((ColumnKind.Date, "dd/MM/yyyy", new DateTime(2023, 12, 20, 0, 0, 0, DateTimeKind.Utc)), (paid.Kind, paid.DateFormat, paid.Origin));
        Assert.AreEqual("17/02/2024", TableDates.Text(paid, paid.Max));
        var inferred = ColumnTypeInference.Infer(table, [0, 1], declared with { ColumnTypes = new Dictionary<string, ColumnKind>() }).Columns[0];
        Assert.AreEqual(ColumnKind.Date, inferred.Kind, "a declared format is tried on undeclared columns too");

        var noFormat = Assert.ThrowsExactly<DataFormatException>(() => ColumnTypeInference.Infer(table, [0], declared with { DateFormat = null }));
        Assert.AreEqual($"dates.csv: line 2, column 'paid': '20/12/2023' is not a date in any of the formats {string.Join(", ", TableDates.IsoFormats)}; the column was declared date; give its format with --date-format (e.g. --date-format dd/MM/yyyy)", noFormat.Message);
    }

    [TestMethod]
    public void TrainPrintsTheDateColumnWithItsRangeAndTheSchemaRecordsFormatAndOrigin()
    {
        var model = VaeModel.Load(_datesModel);
        var column = model.Table!.Columns.Single();
        var days = RawTableReader.Read(_datesOnly).Rows.Select(r => DateTime.ParseExact(r[0], "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray();
        var (first, last) = (TableDates.Text(column, column.Min), TableDates.Text(column, column.Max));
        Assert.IsTrue(string.CompareOrdinal(first, days.Min().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) >= 0 && string.CompareOrdinal(last, days.Max().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) <= 0, "the range is the training rows'");
        StringAssert.Matches(_trainOutput, new System.Text.RegularExpressions.Regex($@"order_date\s+date\s+{first}\.\.{last} \(yyyy-MM-dd\)\s+0\.0%"));
        Assert.AreEqual((ColumnKind.Date, "yyyy-MM-dd", days.Min()), (column.Kind, column.DateFormat, column.Origin!.Value));
        var json = VaeOnnx.Contract.Onnx.OnnxFile.Read(model.EncoderPath).Metadata[VaeMetadataKeys.TableSchema];
        StringAssert.Contains(json, $"\"kind\":\"date\"");
        StringAssert.Contains(json, $"\"date_format\":\"yyyy-MM-dd\",\"origin\":\"{days.Min():yyyy-MM-dd}T00:00:00Z\"", "the origin is the file's earliest date");

        var plain = new TableSchema { Columns = [new TableColumn { Name = "age", Kind = ColumnKind.Numeric }], TrainingRows = 10 }.ToJson();
        Assert.IsFalse(plain.Contains("date_format", StringComparison.Ordinal) || plain.Contains("origin", StringComparison.Ordinal), "a schema without dates writes as before: " + plain);
        var noOrigin = Assert.ThrowsExactly<InvalidDataException>(() => (model.Table with { Columns = [column with { Origin = null }] }).Validate());
        Assert.AreEqual("field 'columns[0].date_format/origin' must be set on a date column: the format its cells are written in and the date its days count from", noOrigin.Message);
    }

    [TestMethod]
    public void ADateOutsideTheTrainingRangeIsScoredAndAnUnparsableOneIsOneLine()
    {
        var column = VaeModel.Load(_datesModel).Table!.Columns[0];
        var input = TableFiles.Write(_folder, "far.csv", "order_date\n" + TableDates.Text(column, column.Offset) + "\n1990-06-01\n2099-12-31\n");
        var output = Path.Combine(_folder, "far-scores.csv");
        var score = CliRun.Invoke("score", "--model", _datesModel, "--input", input, "--output", output);
        Assert.AreEqual(0, score.ExitCode, score.ToString());
        var scored = RawTableReader.Read(output);
        Assert.AreEqual("score,recon,kl,is_anomaly,contrib.order_date", string.Join(",", scored.Header));
        var scores = scored.Rows.Select(r => double.Parse(r[0], CultureInfo.InvariantCulture)).ToArray();
        Assert.IsTrue(scores.All(double.IsFinite), string.Join(", ", scores));
        Assert.IsTrue(scores[1] > scores[0] && scores[2] > scores[0], $"dates decades away score above a typical one: {string.Join(", ", scores)}");
        CollectionAssert.AreEqual(new[] { "false", "true", "true" }, scored.Rows.Select(r => r[3]).ToArray());

        var bad = TableFiles.Write(_folder, "bad.csv", "order_date\n2023-01-02\n2023-02-30\n");
        var refused = CliRun.Invoke("score", "--model", _datesModel, "--input", bad, "--output", Path.Combine(_folder, "bad-scores.csv"));
        Assert.AreEqual(1, refused.ExitCode, refused.ToString());
        Assert.AreEqual($"error: {bad}: line 3, column 'order_date': '2023-02-30' is not a date in the format yyyy-MM-dd; expected dates like {TableDates.Text(column, column.Max)} (or a blank cell for a missing one)", refused.Error.Trim());
    }

    [TestMethod]
    public void SynthesizedDatesParseInTheFilesFormatAndFallInTheTrainingRange()
    {
        var (first, last) = TrainingRange(VaeModel.Load(_datesModel).Table!.Columns[0]);
        var output = Path.Combine(_folder, "synthetic-dates.csv");
        var synthesize = CliRun.Invoke("synthesize", "--model", _datesModel, "--count", "300", "--seed", "4", "--output", output);
        Assert.AreEqual(0, synthesize.ExitCode, synthesize.ToString());
        var dates = RawTableReader.Read(output).Rows.Select(r => DateTime.ParseExact(r[0], "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray();
        Assert.AreEqual(300, dates.Length);
        Assert.IsTrue(dates.All(d => d >= first && d <= last), $"{dates.Min():yyyy-MM-dd}..{dates.Max():yyyy-MM-dd} within {first:yyyy-MM-dd}..{last:yyyy-MM-dd}");
        Assert.IsTrue(dates.Distinct().Count() > 50, "synthetic dates spread over the range");

        var model = VaeModel.Load(_ordersModel);
        using var synthesizer = new VaeTableSynthesizer(model);
        var rows = synthesizer.Sample(300, 5);
        var (firstDay, lastDay) = TrainingRange(model.Table!.Columns[0]);
        var (firstTime, lastTime) = TrainingRange(model.Table.Columns[1]);
        Assert.IsTrue(lastDay - firstDay > TimeSpan.FromDays(700) && lastTime - firstTime > TimeSpan.FromDays(700), "the training rows span two years");
        for (int r = 0; r < rows.Count; r++)
        {
            var day = DateTime.ParseExact(rows.Cell(r, 0), "dd/MM/yyyy", CultureInfo.InvariantCulture);
            Assert.IsTrue(day >= firstDay && day <= lastDay, rows.Cell(r, 0));
            if (rows.Cell(r, 1).Length == 0) continue;
            var time = DateTime.ParseExact(rows.Cell(r, 1), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            Assert.IsTrue(time >= firstTime && time <= lastTime, rows.Cell(r, 1));
        }
    }

    /// <summary>The first and last date of the column's training rows, read back from the schema's range in the column's format.</summary>
    private static (DateTime First, DateTime Last) TrainingRange(TableColumn column)
    {
        DateTime Read(double days) => DateTime.ParseExact(TableDates.Text(column, days), column.DateFormat!, CultureInfo.InvariantCulture);
        return (Read(column.Min), Read(column.Max));
    }

    [TestMethod]
    public void ADeclaredFormatAndADateTimeExportWithParityAndTheTrainingCommandKeepsTheFormat()
    {
        var schema = VaeModel.Load(_ordersModel).Table!;
        CollectionAssert.AreEqual(new[] { ColumnKind.Date, ColumnKind.DateTime, ColumnKind.Numeric }, schema.Columns.Select(c => c.Kind).ToArray());
        Assert.AreEqual(("dd/MM/yyyy", "yyyy-MM-dd HH:mm:ss"), (schema.Columns[0].DateFormat, schema.Columns[1].DateFormat));
        Assert.IsTrue(_ordersExport!.EncoderMaxAbsDiff <= 1e-5 && _ordersExport.DecoderMaxAbsDiff <= 1e-5, $"parity {_ordersExport.EncoderMaxAbsDiff:G3} / {_ordersExport.DecoderMaxAbsDiff:G3}");
        var command = CliRun.Invoke("export", "--checkpoint", Path.Combine(_folder, "orders-run"), "--out", Path.Combine(_folder, "orders-card"));
        Assert.AreEqual(0, command.ExitCode, command.ToString());
        var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "orders-card", "model.json"))).RootElement;
        StringAssert.Contains(card.GetProperty("training_command").GetString(), " --column-types order_date:date,placed_at:datetime,amount:numeric --date-format dd/MM/yyyy ");

        var bad = CliRun.Invoke("train", "--data", _orders, "--date-format", "%", "--epochs", "1", "--out", Path.Combine(_folder, "no-run"));
        Assert.AreEqual(2, bad.ExitCode, "a usage error");
        StringAssert.Contains(bad.Error, "--date-format: '%' is not a date format that reads back its own dates; expected e.g. dd/MM/yyyy");
    }

    [TestMethod]
    public async Task TheServiceScoresADateGivenAsAJsonStringAsTheTransformDoes()
    {
        var model = VaeModel.Load(_ordersModel);
        var (day, time) = (model.Table!.Columns[0], model.Table.Columns[1]);
        string[] days = ["15/03/2023", "01/01/1999"], times = ["2023-03-15 09:30:00", ""];
        var expected = TableScores.Of(_ordersModel, m => new VaeTableRows(m.Table!,
            [days.Select(t => Days(day, t)).ToArray(), times.Select(t => t.Length == 0 ? float.NaN : Days(time, t)).ToArray(), new[] { 90f, 60f }]));
        using var service = new ServiceFactory(_ordersModel);
        using var client = service.CreateClient();
        var answer = await ServingApiTests.PostAsync(client, "/score", """
            {"rows": [{"id": "A", "order_date": "15/03/2023", "placed_at": "2023-03-15 09:30:00", "amount": 90},
                      {"id": "B", "order_date": "01/01/1999", "placed_at": null, "amount": 60}]}
            """);
        var results = answer.GetProperty("results").EnumerateArray().ToArray();
        for (int r = 0; r < 2; r++)
        {
            TableServingTests.AssertResult(expected, r, results[r], "dates");
            CollectionAssert.AreEqual(new[] { "order_date", "placed_at", "amount" }, results[r].GetProperty("contributions").EnumerateObject().Select(c => c.Name).ToArray());
        }

        var problem = await ServingApiTests.PostAsync(client, "/score", """{"rows": [{"order_date": "2023-03-15", "placed_at": null, "amount": 1}]}""", HttpStatusCode.BadRequest);
        StringAssert.Contains(problem.GetProperty("detail").GetString(), $"rows[0], column 'order_date': '2023-03-15' is not a date in the format dd/MM/yyyy; expected dates like {TableDates.Text(day, day.Max)}");
        var number = await ServingApiTests.PostAsync(client, "/score", """{"rows": [{"order_date": 20230315, "placed_at": null, "amount": 1}]}""", HttpStatusCode.BadRequest);
        StringAssert.Contains(number.GetProperty("detail").GetString(), $"rows[0], column 'order_date': 20230315 is a JSON number; expected a date as a JSON string like \"{TableDates.Text(day, day.Max)}\" (dd/MM/yyyy)");
    }

    [TestMethod]
    public void TheMlNetTrainerTakesADateTimeColumnAsADateTimeAndScoresOneOutOfRange()
    {
        var ml = new MLContext(1);
        var random = new Random(3);
        var orders = Enumerable.Range(0, 300).Select(_ =>
        {
            var when = TableFiles.FirstOrderDay.AddDays(random.Next(730)).AddMinutes(8 * 60 + random.Next(12 * 60));
            return new TimedOrder { When = when, Amount = (float)(50 + 0.1 * (when - TableFiles.FirstOrderDay).TotalDays + 5 * random.NextDouble()) };
        }).ToArray();
        var options = new VaeAnomalyTrainer.Options { Epochs = 5, BatchSize = 64, Hidden = [16], LatentDim = 2, ModelFolder = Path.Combine(_folder, "trainer-model") };
        using var detector = ml.AnomalyDetection.Trainers.Vae(options).Fit(ml.Data.LoadFromEnumerable(orders));
        var when = detector.Model.Table!.Column(nameof(TimedOrder.When))!;
        Assert.AreEqual((ColumnKind.DateTime, "yyyy-MM-ddTHH:mm:ss", orders.Min(o => o.When).Date), (when.Kind, when.DateFormat, when.Origin!.Value));
        var far = new TimedOrder { When = new DateTime(1990, 1, 1, 12, 0, 0), Amount = orders[0].Amount };
        var scores = detector.Transform(ml.Data.LoadFromEnumerable(new[] { orders[0], far })).GetColumn<float>(VaeAnomalyTrainer.ScoreColumnName).ToArray();
        Assert.IsTrue(scores.All(float.IsFinite) && scores[1] > scores[0], string.Join(", ", scores));
    }

    /// <summary>A row of the trainer test: a DateTime column and an amount.</summary>
    public sealed class TimedOrder
    {
        /// <summary>When the order was placed.</summary>
        public DateTime When { get; set; }

        /// <summary>What it cost.</summary>
        public float Amount { get; set; }
    }

    private static float Days(TableColumn column, string text) => TableDates.TryDays(column, text, out float days) ? days : throw new AssertFailedException(text);
}
