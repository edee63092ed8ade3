using System.Text.Json;
using VaeOnnx.Tests.Cli;

namespace VaeOnnx.Tests.Sources;

/// <summary>
/// The same customers from a CSV file, a Parquet file and a SQLite query train, for the same seed, the same model (the
/// checkpoints' weight files are equal byte for byte): each run is exported (the export reads the recorded source again to
/// calibrate on its held-out rows) and scores the CSV rows as the others do, and scoring from the Parquet file or the query
/// gives the same rows again. Scores are compared to 1e-5: ONNX Runtime may split its sums across threads differently
/// from one run to the next within a process.
/// </summary>
[TestClass]
public sealed class SourceModelTests
{
    private const string Query = "select * from customers";
    private static string _folder = "";
    private static CustomerCopies _copies = null!;

    [ClassInitialize]
    public static void Write(TestContext _)
    {
        _folder = RepoPaths.NewTempFolder("source-models");
        _copies = CustomerCopies.Write(_folder, rows: 240, rowGroup: 100);
    }

    private static string Train(string name, params string[] data)
    {
        var (run, model) = (Path.Combine(_folder, $"run-{name}"), Path.Combine(_folder, $"model-{name}"));
        var train = CliRun.Invoke([.. new[] { "train" }, .. data, "--id-column", "customer_id", "--ignore-columns", "signup_date", "--hidden", "16", "--latent", "2",
            "--epochs", "2", "--batch", "64", "--threads", "1", "--iw-samples", "0", "--seed", "3", "--out", run]);
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        var export = CliRun.Invoke("export", "--checkpoint", run, "--out", model, "--false-alarm-rate", "0.05");
        Assert.AreEqual(0, export.ExitCode, export.ToString());
        return model;
    }

    private static string Score(string model, string name, params string[] input)
    {
        var output = Path.Combine(_folder, $"scores-{name}.csv");
        var score = CliRun.Invoke([.. new[] { "score", "--model", model }, .. input, "--output", output]);
        Assert.AreEqual(0, score.ExitCode, score.ToString());
        return File.ReadAllText(output);
    }

    [TestMethod]
    public void CsvParquetAndSqliteTrainTheSameModelAndScoreTheSameRows()
    {
        var csv = Train("csv", "--data", _copies.Csv);
        var parquet = Train("parquet", "--data", _copies.Parquet);
        var sqlite = Train("sqlite", "--data", $"sqlite:{_copies.Sqlite}", "--query", Query);

        var expected = Score(csv, "csv", "--input", _copies.Csv);
        Assert.AreEqual(_copies.Rows + 1, expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        StringAssert.StartsWith(expected, "customer_id,score,");
        AssertSameScores(expected, Score(parquet, "parquet-model", "--input", _copies.Csv), "the Parquet copy trains the CSV's model");
        AssertSameScores(expected, Score(sqlite, "sqlite-model", "--input", _copies.Csv), "the SQLite copy trains the CSV's model");
        AssertSameScores(expected, Score(csv, "parquet-input", "--input", _copies.Parquet), "scoring a Parquet file");
        AssertSameScores(expected, Score(csv, "sqlite-input", "--input", $"sqlite:{_copies.Sqlite}", "--query", Query), "scoring a query");
        CollectionAssert.AreEqual(File.ReadAllBytes(Weights("csv")), File.ReadAllBytes(Weights("parquet")));
        CollectionAssert.AreEqual(File.ReadAllBytes(Weights("csv")), File.ReadAllBytes(Weights("sqlite")));
    }

    [TestMethod]
    public void TheCheckpointRecordsTheQueryAndAFileSourceRecordsNone()
    {
        var run = Path.Combine(_folder, "run-recorded");
        var train = CliRun.Invoke("train", "--data", $"sqlite:{_copies.Sqlite}", "--query", Query, "--ignore-columns", "customer_id,signup_date", "--hidden", "8",
            "--latent", "2", "--epochs", "1", "--threads", "1", "--iw-samples", "0", "--out", run);
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        var dataset = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "checkpoint.json"))).RootElement.GetProperty("dataset");
        Assert.AreEqual($"sqlite:{_copies.Sqlite}", dataset.GetProperty("source").GetString());
        Assert.AreEqual(Query, dataset.GetProperty("query").GetString());
        Assert.AreEqual("customers", dataset.GetProperty("name").GetString());
        var resumed = CliRun.Invoke("train", "--out", run, "--resume", "--epochs", "2", "--threads", "1", "--iw-samples", "0");
        Assert.AreEqual(0, resumed.ExitCode, "a resumed run reads the recorded query again: " + resumed);
        var eval = CliRun.Invoke("eval", "--checkpoint", run, "--iw-samples", "0");
        Assert.AreEqual(0, eval.ExitCode, eval.ToString());

        var file = Path.Combine(_folder, "run-file");
        Assert.AreEqual(0, CliRun.Invoke("train", "--data", _copies.Parquet, "--ignore-columns", "customer_id,signup_date", "--hidden", "8", "--latent", "2",
            "--epochs", "1", "--threads", "1", "--iw-samples", "0", "--out", file).ExitCode);
        var recorded = JsonDocument.Parse(File.ReadAllText(Path.Combine(file, "checkpoint.json"))).RootElement.GetProperty("dataset");
        Assert.AreEqual(_copies.Parquet, recorded.GetProperty("source").GetString());
        Assert.IsFalse(recorded.TryGetProperty("query", out _), "a file source writes no query key, as checkpoints did before");
    }

    [TestMethod]
    public void AQueryForAModelThatIsNotATableIsAUsageError()
    {
        var plain = CliRun.Invoke("train", "--data", _copies.Parquet, "--likelihood", "gaussian", "--epochs", "1", "--out", Path.Combine(_folder, "plain"));
        Assert.AreEqual(2, plain.ExitCode, plain.ToString());
        Assert.AreEqual($"error: --data {_copies.Parquet}: a Parquet file or a database is read as a table (--likelihood mixed, its default), not gaussian.", plain.Error.Trim());
    }

    /// <summary>The same header, ids and flags, and every number within 1e-5 (relative to its size above 1).</summary>
    private static void AssertSameScores(string expected, string actual, string what)
    {
        var (e, a) = (expected.Split('\n', StringSplitOptions.RemoveEmptyEntries), actual.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.AreEqual(e.Length, a.Length, what);
        Assert.AreEqual(e[0], a[0], what);
        for (int r = 1; r < e.Length; r++)
        {
            var (x, y) = (e[r].Split(','), a[r].Split(','));
            CollectionAssert.AreEqual(x[..1].Append(x[4]).ToArray(), y[..1].Append(y[4]).ToArray(), $"{what}, row {r}");
            foreach (int c in Enumerable.Range(1, x.Length - 1).Where(c => c != 4))
            {
                double u = double.Parse(x[c], System.Globalization.CultureInfo.InvariantCulture), v = double.Parse(y[c], System.Globalization.CultureInfo.InvariantCulture);
                Assert.AreEqual(u, v, 1e-5 * Math.Max(1, Math.Abs(u)), $"{what}, row {r}, column {c}");
            }
        }
    }

    private static string Weights(string name) => Directory.GetFiles(Path.Combine(_folder, $"run-{name}"), "weights-*.bin").Single();
}
