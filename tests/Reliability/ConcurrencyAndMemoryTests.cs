using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Tests.Data;
using VaeOnnx.Tests.Inference;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Training;

namespace VaeOnnx.Tests.Reliability;

[TestClass]
public sealed class ConcurrencyAndMemoryTests
{
    public TestContext TestContext { get; set; } = null!;

    private static float[][] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 40)).ToArray()).ToArray();
    }

    [TestMethod]
    public void EightThreadsScoreFiftyThousandRowsEachLikeOneThread()
    {
        const int rowsPerThread = 50_000;
        var rows = Rows(rowsPerThread, 1);
        var model = VaeModel.Load(ModelPairs.Tabular);

        // Single-row path: one pooled scorer shared by all threads (ONNX Runtime sessions allow concurrent runs).
        using var provider = new VaeModelProvider(ModelPairs.Tabular, pollInterval: TimeSpan.FromHours(1));
        var reference = rows.Select(r => provider.Score(r).Score).ToArray();
        int errors = 0, mismatches = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (int i = 0; i < rowsPerThread; i++)
            {
                try
                {
                    int row = (i + t * 7919) % rowsPerThread;
                    if (provider.Score(rows[row]).Score != reference[row]) Interlocked.Increment(ref mismatches);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        });
        Assert.AreEqual(0, errors, "single-row errors");
        Assert.AreEqual(0, mismatches, "single-row results differ from one thread");

        // Batched chain: one fitted transformer, eight threads each reading their own pass over the rows.
        var ml = new MLContext(1);
        var view = FeatureRow.View(ml, rows, 5);
        var transformer = ml.Transforms.VaeAnomalyScore(model).Fit(view);
        var batchReference = transformer.Transform(view).GetColumn<float>("Score").ToArray();
        var results = new float[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
            results[t] = transformer.Transform(FeatureRow.View(new MLContext(t), rows, 5)).GetColumn<float>("Score").ToArray());
        for (int t = 0; t < 8; t++) CollectionAssert.AreEqual(batchReference, results[t], $"thread {t}");
        transformer.Dispose();
    }

    private static long RssBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }

    [TestMethod]
    public void ScoringAMillionRowsKeepsMemoryFlat()
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(ModelPairs.Tabular);
        var random = new Random(5);
        IEnumerable<FeatureRow> Generate(int count)
        {
            // Rows from the distribution the tabular model was trained on (see ModelPairs): far-off rows can overflow exp(logvar).
            var values = new float[5];
            for (int i = 0; i < count; i++)
            {
                double t = random.NextDouble() * 2 - 1, u = random.NextDouble() * 2 - 1;
                values[0] = (float)(100 + 20 * t); values[1] = (float)(5 * u); values[2] = (float)(t * u * 3);
                values[3] = (float)(0.01 * t + 0.001 * random.NextDouble()); values[4] = (float)(50 - 10 * u);
                yield return new FeatureRow { Features = values };
            }
        }
        var warmView = ml.Data.LoadFromEnumerable(Generate(100_000), FeatureRow.Schema(5));
        using var transformer = ml.Transforms.VaeAnomalyScore(model).Fit(warmView);
        // Returns the number of non-finite scores.
        double Drain(IDataView source)
        {
            var scored = transformer.Transform(source);
            using var cursor = scored.GetRowCursor([scored.Schema["Score"]]);
            var getter = cursor.GetGetter<float>(scored.Schema["Score"]);
            float value = 0;
            double nonFinite = 0;
            while (cursor.MoveNext()) { getter(ref value); if (!float.IsFinite(value)) nonFinite++; }
            return nonFinite;
        }
        Drain(warmView);
        GC.Collect();
        long before = RssBytes();
        double nonFinite = Drain(ml.Data.LoadFromEnumerable(Generate(1_000_000), FeatureRow.Schema(5)));
        Assert.AreEqual(0, nonFinite, "every score is finite");
        GC.Collect();
        long growth = RssBytes() - before;
        TestContext.WriteLine($"RELIABILITY scoring 1,000,000 rows: RSS {before / 1e6:F0} MB -> growth {growth / 1e6:F1} MB");
        Console.WriteLine($"RELIABILITY scoring 1,000,000 rows: RSS {before / 1e6:F0} MB, growth {growth / 1e6:F1} MB");
        Assert.IsTrue(growth < 50_000_000, $"RSS grew {growth / 1e6:F1} MB");
    }

    [TestMethod]
    public void TwentyEpochsOfTrainingKeepMemoryFlat()
    {
        var (train, test) = MnistFamilyFolder.Load(ShippedSampleTests.Folder);
        var data = new TrainingData(train, null, test.Take(500), FeatureScaling.None(784), new DatasetDescription { Name = "sample", Source = "sample" });
        var rss = new List<long>();
        var progress = new Progress(p =>
        {
            if (p.Completed is null) return;
            GC.Collect();
            rss.Add(RssBytes());
        });
        var result = new VaeTrainer(new TrainingOptions { Epochs = 20, Threads = 2 }, progress)
            .Train(new VaeOnnx.Training.Model.VaeArchitecture(), data, RepoPaths.NewTempFolder("rss-train"));
        result.Model.Dispose();
        // LibTorch's allocator keeps and returns memory in large steps, so single samples swing by ~100 MB. A leak raises
        // the floor: compare the lowest RSS of epochs 3-8 with the lowest of epochs 15-20.
        long early = rss.Skip(2).Take(6).Min(), late = rss.Skip(14).Min();
        long growth = late - early;
        var line = $"RELIABILITY training 20 epochs: lowest RSS epochs 3-8 {early / 1e6:F0} MB, epochs 15-20 {late / 1e6:F0} MB, growth {growth / 1e6:F1} MB (samples {string.Join(" ", rss.Select(r => (r / 1_000_000).ToString()))} MB)";
        TestContext.WriteLine(line);
        Console.WriteLine(line);
        Assert.IsTrue(growth < 50_000_000, line);
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
