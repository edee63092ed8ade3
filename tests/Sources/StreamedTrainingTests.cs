using VaeOnnx.Contract;
using VaeOnnx.Tables;
using VaeOnnx.Tests.Cli;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Sources;

/// <summary>
/// A 1,000-row customers table streamed through a 64-row shuffle buffer: every training row comes once per epoch, in an
/// order unlike the file's and another each epoch, with never more than 64 rows waiting; its schema and held-out rows are
/// the whole table's (the 100,000-row schema sample holds every row), and the CSV, Parquet and SQLite copies train the
/// same model for the same seed, and the same again when run twice or stopped inside an epoch and resumed.
/// </summary>
[TestClass]
public sealed class StreamedTrainingTests
{
    private const int Buffer = 64;
    private static string _folder = "";
    private static CustomerCopies _copies = null!;

    [ClassInitialize]
    public static void Write(TestContext _)
    {
        _folder = RepoPaths.NewTempFolder("streamed");
        _copies = CustomerCopies.Write(_folder, rows: 1000, rowGroup: 300);
    }

    private static DataSourceOptions Options(int buffer) => new()
    {
        Path = _copies.Csv, ShuffleBufferRows = buffer, ValidationFraction = 0.1, Seed = 5,
        Table = new TableReadOptions { IdColumns = ["customer_id"] },
    };

    [TestMethod]
    public void AnEpochSeesEveryTrainingRowOnceInAnOrderOfItsOwn()
    {
        var data = TableDataLoader.Load(Options(Buffer));
        var stream = data.TrainStream ?? throw new AssertFailedException("a table larger than the buffer streams");
        var (train, _, _) = TableDataLoader.SplitRows(1000, 0.2, 0.1, 5, null, null, _copies.Csv);
        Assert.AreEqual(train.Length, stream.Rows);
        Assert.AreEqual(train.Length, data.Dataset.TrainRows);
        Assert.AreEqual(Buffer, data.Dataset.ShuffleBufferRows);

        var first = stream.ShuffledRows(seed: 11).Select(r => r.Position).ToArray();
        CollectionAssert.AreEqual(train, first.Order().ToArray(), "every training row once");
        CollectionAssert.AreNotEqual(train, first, "not in file order");
        CollectionAssert.AreEqual(first, stream.ShuffledRows(seed: 11).Select(r => r.Position).ToArray(), "the same seed, the same order");
        CollectionAssert.AreNotEqual(first, stream.ShuffledRows(seed: 12).Select(r => r.Position).ToArray(), "another epoch, another order");

        var batches = stream.Batches(100, seed: 11).ToArray();
        CollectionAssert.AreEqual(Enumerable.Repeat(100, train.Length / 100).Append(train.Length % 100).Where(n => n > 0).ToArray(), batches.Select(b => b.Rows).ToArray());
        Assert.AreEqual(data.Train.FeatureCount, batches[0].FeatureCount);
    }

    [TestMethod]
    public void TheBufferHoldsAtMostItsRows()
    {
        int read = 0, emitted = 0, most = 0;
        IEnumerable<int> Rows()
        {
            for (int i = 0; i < 1000; i++)
            {
                read++;
                yield return i;
            }
        }
        var order = new List<int>();
        foreach (int row in ShuffleBuffer.Shuffle(Rows(), Buffer, new Random(3)))
        {
            order.Add(row);
            most = Math.Max(most, read - ++emitted);
        }
        CollectionAssert.AreEqual(Enumerable.Range(0, 1000).ToArray(), order.Order().ToArray());
        Assert.AreEqual(Buffer, most, "rows read and not yet handed on");
        Assert.IsTrue(order[0] < Buffer, $"the first row out is drawn from the first {Buffer}, got {order[0]}");
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 1000).ToArray(), order);
    }

    [TestMethod]
    public void AStreamedTableHasTheWholeTablesSchemaAndHeldOutRows()
    {
        var streamed = TableDataLoader.Load(Options(Buffer));
        var whole = TableDataLoader.Load(Options(TableDataLoader.DefaultShuffleBufferRows));
        Assert.IsNull(whole.TrainStream, "a table no larger than the buffer is held whole, as before streaming");
        Assert.AreEqual(whole.Table!.ToJson(), streamed.Table!.ToJson());
        CollectionAssert.AreEqual(whole.Test.Features, streamed.Test.Features);
        CollectionAssert.AreEqual(whole.Validation!.Features, streamed.Validation!.Features);
        CollectionAssert.AreEqual(whole.Train.Features, streamed.Train.Features, "the training sample is every training row here");
    }

    [TestMethod]
    public void CsvParquetAndSqliteStreamTheSameModelAndARunTwiceIsTheSame()
    {
        string Train(string name, params string[] data)
        {
            var run = Path.Combine(_folder, $"run-{name}");
            var train = CliRun.Invoke([.. new[] { "train" }, .. data, "--id-column", "customer_id", "--shuffle-buffer", $"{Buffer}", "--hidden", "16", "--latent", "2",
                "--epochs", "2", "--batch", "50", "--threads", "1", "--iw-samples", "0", "--seed", "3", "--out", run]);
            Assert.AreEqual(0, train.ExitCode, train.ToString());
            StringAssert.Contains(train.Output, $"(800 train streamed through a {Buffer}-row shuffle buffer, 0 validation, 200 test rows");
            return Convert.ToHexString(File.ReadAllBytes(Directory.GetFiles(run, "weights-*.bin").Single()));
        }
        var csv = Train("csv", "--data", _copies.Csv);
        Assert.AreEqual(csv, Train("csv-again", "--data", _copies.Csv), "the same seed, the same model");
        Assert.AreEqual(csv, Train("parquet", "--data", _copies.Parquet), "the Parquet copy");
        Assert.AreEqual(csv, Train("sqlite", "--data", $"sqlite:{_copies.Sqlite}", "--query", "select * from customers"), "the SQLite copy");
    }

    [TestMethod]
    public void AStreamedRunStoppedInsideAnEpochAndResumedEndsWithTheStraightRunsWeights()
    {
        var data = TableDataLoader.Load(Options(Buffer));
        var architecture = new VaeArchitecture { InputShape = [data.Train.FeatureCount], Hidden = [16], LatentDim = 2, Likelihood = Likelihood.Mixed };
        var options = new TrainingOptions { Epochs = 2, BatchSize = 20, Seed = 4, Threads = 1 };
        var straight = Path.Combine(_folder, "resume-straight");
        new VaeTrainer(options).Train(architecture, data, straight).Model.Dispose();

        var resumed = Path.Combine(_folder, "resume-stopped");
        using var cancel = new CancellationTokenSource();
        // Progress comes every 20 steps: step 20 of epoch 2 is inside the epoch (36 steps of 20 rows).
        var stop = new CallbackProgress(p => { if (p.Epoch == 2 && p.Step == 20) cancel.Cancel(); });
        var interrupted = new VaeTrainer(options, stop).Train(architecture, data, resumed, cancellation: cancel.Token);
        interrupted.Model.Dispose();
        Assert.AreEqual(StopReason.Interrupted, interrupted.StopReason);
        Assert.AreEqual(20, interrupted.Checkpoint.Step, "stopped before the 21st step of epoch 2");
        new VaeTrainer(options).Train(architecture, TableDataLoader.Load(Options(Buffer)), resumed, resume: true).Model.Dispose();
        CollectionAssert.AreEqual(File.ReadAllBytes(Directory.GetFiles(straight, "weights-*.bin").Single()),
            File.ReadAllBytes(Directory.GetFiles(resumed, "weights-*.bin").Single()));
    }

    private sealed class CallbackProgress(Action<TrainingProgress> callback) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => callback(value);
    }
}
