using System.Text.Json;
using VaeOnnx.Cli.Bench;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Inference;
using VaeOnnx.Tests.Serving;
using VaeOnnx.Tests.Tables;

namespace VaeOnnx.Tests.Cli;

/// <summary>What vae bench counts and computes (not how fast: figures are measured on a quiet machine, not in tests).</summary>
[TestClass]
public sealed class BenchTests
{
    [TestMethod]
    public void RawScorerScoresTheLastPartialBatchAndCountsOnlyScoredRows()
    {
        var model = VaeModel.Load(ModelPairs.Image);
        var scenarios = new ScoringScenarios(model, 1500);
        using var raw = scenarios.PrepareRaw(decoder: false, batch: 1024);
        var mu = new float[1500 * model.LatentDim];
        var batches = new List<(int Start, int Rows)>();
        int scored = raw.Run((start, rows, outputs) =>
        {
            batches.Add((start, rows));
            outputs[0].AsSpan(0, rows * model.LatentDim).CopyTo(mu.AsSpan(start * model.LatentDim));
        });
        Assert.AreEqual(1500, scored);
        Assert.AreEqual(1500, raw.RowsPerRun);
        CollectionAssert.AreEqual(new[] { (0, 1024), (1024, 476) }, batches);

        // Every row's mean, the tail's included, equals what the VaeEncode chain computes for it.
        var chain = scenarios.EncodeMeans(model, 1500);
        Assert.AreEqual(mu.Length, chain.Length);
        double worst = 0;
        for (int i = 0; i < mu.Length; i++) worst = Math.Max(worst, Math.Abs(mu[i] - chain[i]));
        Assert.IsTrue(worst <= 1e-5, $"max |raw - chain| {worst}");
        Assert.IsTrue(mu.Skip(1024 * model.LatentDim).Any(v => v != 0), "the tail was computed, not left as zeros");

        var (seconds, rowsPerPass) = scenarios.RawBatched(decoder: true, batch: 1024);
        Assert.AreEqual(1500, rowsPerPass);
        Assert.IsTrue(seconds > 0);
    }

    [TestMethod]
    public void TheTableBenchComparesTheChainWithRawOnnxRuntimeOnTheSameThreeGraphs()
    {
        var data = TableFiles.Customers(RepoPaths.NewTempFolder("bench-table"), rows: 1500, seed: 3);
        var run = CliRun.Invoke("bench", "--table-model", ServingTables.Customers, "--table-data", data, "--table-rounds", "1", "--json");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.AreEqual(1500, root.GetProperty("table_rows").GetInt32());
        // Raw ONNX Runtime and the chain compute the same scores and contributions, the partial last block's included.
        Assert.IsLessThanOrEqualTo(1e-4, root.GetProperty("table_raw_max_abs_diff").GetDouble(), run.Output);
        double raw = root.GetProperty("table_raw_rows_per_s").GetDouble(), chain = root.GetProperty("table_chain_rows_per_s").GetDouble();
        Assert.IsTrue(raw > 0 && chain > 0 && double.IsFinite(raw) && double.IsFinite(chain), run.Output);
        Assert.AreEqual(chain / raw, root.GetProperty("table_chain_vs_raw").GetDouble(), 1e-9);
        foreach (var name in new[] { "table_reloaded_vs_fitted", "table_vae_score_rows_per_s", "table_vae_score_vs_chain", "table_vae_score_vs_graphs", "table_chain_score_threads_rows_per_s", "table_read_featurize_rows_per_s" })
            Assert.IsTrue(root.GetProperty(name).GetDouble() is > 0 and < double.PositiveInfinity, name);
        // The fastest pass of the graphs is never slower than the chain as fitted.
        Assert.IsGreaterThanOrEqualTo(root.GetProperty("table_vae_score_vs_chain").GetDouble() - 1e-9, root.GetProperty("table_vae_score_vs_graphs").GetDouble());
    }

    [TestMethod]
    public void TheTableBenchNeedsItsDataAndATablePair()
    {
        var run = CliRun.Invoke("bench", "--table-model", ServingTables.Customers);
        // A usage error, as the command line's own are.
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, "--table-model needs --table-data FILE.csv");
        var image = CliRun.Invoke("bench", "--table-model", ModelPairs.Image, "--table-data", "x.csv");
        Assert.AreEqual(2, image.ExitCode, image.ToString());
        StringAssert.Contains(image.Error, "not a table pair");
    }

    [TestMethod]
    public void BenchReportsRowsActuallyScoredForARowCountThatIsNotAMultipleOfTheBatch()
    {
        var run = CliRun.Invoke("bench", "--model", ModelPairs.Image, "--rows", "1500", "--no-training", "--json");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.AreEqual(1500, root.GetProperty("rows").GetInt32());
        foreach (var name in new[] { "encode", "decode" })
        {
            Assert.AreEqual(1500, root.GetProperty($"{name}_raw_rows_per_pass").GetInt32(), name);
            double raw = root.GetProperty($"{name}_raw_rows_per_s").GetDouble(), chain = root.GetProperty($"{name}_chain_rows_per_s").GetDouble();
            Assert.IsTrue(raw > 0 && double.IsFinite(raw) && chain > 0 && double.IsFinite(chain), run.Output);
            Assert.AreEqual(chain / raw, root.GetProperty($"{name}_chain_vs_raw").GetDouble(), 1e-9 * chain / raw);
        }
        Assert.IsFalse(root.TryGetProperty("train_samples_per_s", out _), "--no-training");
        var reloaded = new[] { "encode", "decode", "score" }.Select(name =>
        {
            double fitted = root.GetProperty($"{name}_fitted_rows_per_s").GetDouble(), loaded = root.GetProperty($"{name}_reloaded_rows_per_s").GetDouble();
            Assert.IsTrue(fitted > 0 && loaded > 0 && root.GetProperty($"{name}_plain_load_rows_per_s").GetDouble() > 0, run.Output);
            Assert.AreEqual(loaded / fitted, root.GetProperty($"{name}_reloaded_vs_fitted").GetDouble(), 1e-9);
            return loaded / fitted;
        }).Min();
        Assert.AreEqual(reloaded, root.GetProperty("reloaded_vs_fitted").GetDouble(), 1e-12);
    }

    [TestMethod]
    public void SweepMeasuresEveryCombinationAgainstTheDefaultAndChecksTheValues()
    {
        var run = CliRun.Invoke("bench", "--model", ModelPairs.Image, "--rows", "300", "--sweep", "--sweep-blocks", "64,256",
            "--sweep-threads", "1,2", "--sweep-levels", "disable,all", "--sweep-spinning", "on", "--json");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var points = json.RootElement.GetProperty("sweep").EnumerateArray().ToList();
        Assert.AreEqual(1 + 2 * 2 * 2, points.Count, "the default, then 2 blocks x 2 thread counts x 2 levels");

        var first = points[0];
        Assert.IsTrue(first.GetProperty("default").GetBoolean());
        Assert.AreEqual(1024, first.GetProperty("block_size").GetInt32());
        Assert.AreEqual(0, first.GetProperty("intra_op_threads").GetInt32());
        Assert.AreEqual("all", first.GetProperty("optimization_level").GetString());
        Assert.AreEqual(1.0, first.GetProperty("vs_default").GetDouble());

        var combos = points.Skip(1).Select(p => (p.GetProperty("block_size").GetInt32(), p.GetProperty("intra_op_threads").GetInt32(),
            p.GetProperty("optimization_level").GetString(), p.GetProperty("allow_spinning").GetBoolean())).ToHashSet();
        foreach (var block in new[] { 64, 256 })
            foreach (var threads in new[] { 1, 2 })
                foreach (var level in new[] { "disable", "all" })
                    Assert.IsTrue(combos.Contains((block, threads, level, true)), $"block {block}, {threads} threads, {level}");

        double defaultRate = first.GetProperty("chain_rows_per_s").GetDouble();
        foreach (var p in points)
        {
            double chain = p.GetProperty("chain_rows_per_s").GetDouble(), raw = p.GetProperty("raw_rows_per_s").GetDouble();
            Assert.IsTrue(chain > 0 && double.IsFinite(chain) && raw > 0 && double.IsFinite(raw), p.ToString());
            Assert.AreEqual(chain / raw, p.GetProperty("chain_vs_raw").GetDouble(), 1e-9 * chain / raw);
            Assert.AreEqual(chain / defaultRate, p.GetProperty("vs_default").GetDouble(), 1e-9 * chain / defaultRate);
            // Every configuration computes the same posterior means as the default one (graph optimisations may reorder sums).
            Assert.IsTrue(p.GetProperty("max_abs_diff").GetDouble() <= 1e-4, p.ToString());
        }
        var best = json.RootElement.GetProperty("sweep_best");
        Assert.AreEqual(points.Max(p => p.GetProperty("chain_rows_per_s").GetDouble()), best.GetProperty("chain_rows_per_s").GetDouble());
        StringAssert.Contains(run.Error, "fastest: block ");
    }

    [TestMethod]
    public void OrtGemmPeakMeasuresAFiniteRate()
    {
        double gflops = OrtGemmPeak.Gflops(threads: 1, n: 256, repetitions: 2);
        Assert.IsTrue(gflops > 0 && double.IsFinite(gflops), $"{gflops}");
    }

    [TestMethod]
    public void BenchMeasuresTheConvModelsChainsAgainstRawOnnxRuntime()
    {
        var conv = Path.Combine(RepoPaths.Root, "models", "fashion-mnist-conv");
        var run = CliRun.Invoke("bench", "--model", ModelPairs.Image, "--conv-model", conv, "--rows", "300", "--no-training", "--json");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        foreach (var name in new[] { "encode", "decode" })
        {
            double chain = root.GetProperty($"conv_{name}_chain_rows_per_s").GetDouble(), raw = root.GetProperty($"conv_{name}_raw_rows_per_s").GetDouble();
            Assert.IsTrue(chain > 0 && double.IsFinite(chain) && raw > 0 && double.IsFinite(raw), run.Output);
            Assert.AreEqual(chain / raw, root.GetProperty($"conv_{name}_chain_vs_raw").GetDouble(), 1e-9 * chain / raw);
        }
        Assert.IsFalse(root.TryGetProperty("conv_train_samples_per_s", out _), "--no-training");
        Assert.IsFalse(root.TryGetProperty("gemm_peak_gflops", out _), "--no-training");
    }

    [TestMethod]
    public void SweepPointsApplyToTheSessionOptions()
    {
        var point = new SessionSweepPoint(256, 2, Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC, false);
        var options = point.Apply(new VaeSessionOptions { DeviceId = 3 });
        Assert.AreEqual((256, 2, Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC, false, 3),
            (options.BlockSize, options.IntraOpThreads, options.OptimizationLevel, options.AllowSpinning, options.DeviceId));
        Assert.AreEqual(SessionSweepPoint.Default, SessionSweepPoint.From(new VaeSessionOptions()));
        Assert.AreEqual("basic", point.LevelName);
        CollectionAssert.AreEqual(new[] { 64, 1024 }, VaeOnnx.Cli.Bench.SessionSweep.ParseSizes("--sweep-blocks", " 64, 1024,64 ", 1));
    }
}
