using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Tests.Data;
using VaeOnnx.Tests.Inference;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Trainer;

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

        // Single-row path: one chain host shared by all threads (pooled engines over sessions that allow concurrent runs).
        using var host = new VaeChainHost(new VaeChainHostOptions { ModelFolder = ModelPairs.Tabular, PollInterval = TimeSpan.FromHours(1) });
        float Score(float[] row) => host.Predict<HostRow, ScoreRow>(VaeStandardChains.Score, new HostRow { Features = row }).Value.Score;
        var reference = rows.Select(Score).ToArray();
        int errors = 0, mismatches = 0;
        Exception? firstError = null;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (int i = 0; i < rowsPerThread; i++)
            {
                try
                {
                    int row = (i + t * 7919) % rowsPerThread;
                    if (Score(rows[row]) != reference[row]) Interlocked.Increment(ref mismatches);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e, null);
                }
            }
        });
        Assert.AreEqual(0, errors, $"single-row errors, the first: {firstError}");
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

        // PredictionEngine is not thread-safe: as ML.NET's PredictionEnginePool does, each thread takes its own engine
        // over the one shared transformer, which the engines must not own (an owning engine disposes it with itself).
        // One-row ONNX Runtime kernels sum in another order than 1,024-row ones, so the reference is one engine on one thread.
        var rowSchema = FeatureRow.Schema(5);
        var engineOptions = new PredictionEngineOptions { OwnsTransformer = false, InputSchemaDefinition = rowSchema };
        float[] engineReference;
        using (var single = ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(transformer, engineOptions))
            engineReference = rows.Select(r => single.Predict(new FeatureRow { Features = r }).Score).ToArray();
        for (int i = 0; i < rows.Length; i++)
            Assert.AreEqual(batchReference[i], engineReference[i], 1e-4f * Math.Max(1, Math.Abs(batchReference[i])), $"row {i}: PredictionEngine vs batch");
        errors = mismatches = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            using var engine = ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(transformer, engineOptions);
            var input = new FeatureRow();
            var output = new ScoreRow();
            for (int i = 0; i < rowsPerThread; i++)
            {
                try
                {
                    int row = (i + t * 7919) % rowsPerThread;
                    input.Features = rows[row];
                    engine.Predict(input, ref output);
                    if (output.Score != engineReference[row]) Interlocked.Increment(ref mismatches);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e, null);
                }
            }
        });
        Assert.AreEqual(0, errors, $"PredictionEngine errors, the first: {firstError}");
        Assert.AreEqual(0, mismatches, "PredictionEngine results on 8 threads differ from one thread");
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
        // The shipped 784-400-20 model on Fashion-MNIST test images: the full anomaly-score chain runs three sessions per block.
        var ml = new MLContext(1);
        var model = VaeModel.Load(Path.Combine(RepoPaths.Root, "models", "fashion-mnist-mlp"));
        var (_, test) = MnistFamilyFolder.Load(ShippedSampleTests.Folder);
        var images = Enumerable.Range(0, test.Rows).Select(r => test.Features.AsSpan(r * test.FeatureCount, test.FeatureCount).ToArray()).ToArray();
        IEnumerable<FeatureRow> Generate(int count)
        {
            for (int i = 0; i < count; i++) yield return new FeatureRow { Features = images[i % images.Length] };
        }
        var schema = FeatureRow.Schema(model.InputDim);
        var warmView = ml.Data.LoadFromEnumerable(Generate(100_000), schema);
        using var transformer = ml.Transforms.VaeAnomalyScore(model).Fit(warmView);
        // Returns the number of rows and of non-finite scores.
        (long Rows, long NonFinite) Drain(IDataView source)
        {
            var scored = transformer.Transform(source);
            using var cursor = scored.GetRowCursor([scored.Schema["Score"]]);
            var getter = cursor.GetGetter<float>(scored.Schema["Score"]);
            float value = 0;
            long rows = 0, nonFinite = 0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                rows++;
                if (!float.IsFinite(value)) nonFinite++;
            }
            return (rows, nonFinite);
        }
        Drain(warmView);
        GC.Collect();
        long before = RssBytes();
        var (scoredRows, nonFinite) = Drain(ml.Data.LoadFromEnumerable(Generate(1_000_000), schema));
        Assert.AreEqual(1_000_000, scoredRows);
        Assert.AreEqual(0, nonFinite, "every score is finite");
        GC.Collect();
        long growth = RssBytes() - before;
        var line = $"RELIABILITY scoring 1,000,000 rows (models/fashion-mnist-mlp, VaeAnomalyScore): RSS {before / 1e6:F0} MB after a 100,000-row warm-up, growth {growth / 1e6:F1} MB";
        TestContext.WriteLine(line);
        Console.WriteLine(line);
        Assert.IsTrue(growth < 50_000_000, line);
    }

    [TestMethod]
    public void TwentyEpochsOfTrainingKeepMemoryFlat()
    {
        var (train, test) = MnistFamilyFolder.Load(ShippedSampleTests.Folder);
        var data = new TrainingData(train, null, test.Take(500), FeatureScaling.Identity(784), new DatasetDescription { Name = "sample", Source = "sample" });
        var rss = new List<long>();
        var progress = new Progress(p =>
        {
            if (p.Completed is null) return;
            GC.Collect();
            rss.Add(RssBytes());
        });
        var result = new VaeTrainer(new TrainingOptions { Epochs = 20, Threads = 2 }, progress)
            .Train(new VaeArchitecture(), data, RepoPaths.NewTempFolder("rss-train"));
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

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>A row of the host's standard chains (FeatureRow's label is no column of theirs).</summary>
    private sealed class HostRow
    {
        public float[] Features { get; set; } = [];
    }}
