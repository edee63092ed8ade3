using System.Collections.Concurrent;
using Microsoft.ML;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;

namespace VaeOnnx.Tests.Serving;

/// <summary>The hot-swap host of whole ML.NET chains, in process.</summary>
[TestClass]
public sealed class VaeChainHostTests
{
    private static VaeChainHostOptions Options(string folder, TimeSpan? poll = null) => new() { ModelFolder = folder, PollInterval = poll ?? TimeSpan.FromHours(1) };

    /// <summary>The standard chains plus one with ML.NET's own steps after the encoder: a whole chain, swapped with the pair.</summary>
    private static void Chains(VaeChainBuilder b)
    {
        VaeStandardChains.Add(b);
        var t = b.Context.Transforms;
        b.Add("latent-features", t.VaeEncode(b.Model, "Features", "Mu", "LogVar").Append(t.Concatenate("Latent", "Mu", "LogVar")).Append(t.NormalizeLpNorm("Unit", "Latent")),
            b.VectorSchema("Features"));
    }

    [TestMethod]
    public void ChainsSwapUnderConcurrentSingleAndBatchCallsWithoutMixedPairs()
    {
        var rows = ServingFolders.Rows(12, 4);
        var expected = new[] { ServingFolders.SensorsA, ServingFolders.SensorsB }.Select(f => InProcessResults.Of(f, rows)).ToDictionary(e => e.PairId);
        var folder = ServingFolders.CopyOf(ServingFolders.SensorsA);
        using var host = new VaeChainHost(Options(folder, TimeSpan.FromMilliseconds(20)), Chains);
        var errors = new ConcurrentQueue<string>();
        var sets = new ConcurrentDictionary<VaeChainSet, byte>();
        long calls = 0, leaseCalls = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(() =>
        {
            for (int i = w; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    int r = i % rows.Length;
                    if (w % 2 == 0)
                    {
                        var one = host.Predict<In, Scored>(VaeStandardChains.Score, new In { Features = rows[r] });
                        if (!Close(one.Value.Score, expected[one.PairId].ScoreParts[r][0])) errors.Enqueue($"row {r}: {one.Value.Score} from {one.PairId}");
                    }
                    else
                    {
                        using var lease = host.Acquire();
                        sets.TryAdd(lease.Set, 0);
                        Interlocked.Increment(ref leaseCalls);
                        var batch = lease.PredictBatch<In, Latent>("latent-features", rows.Select(x => new In { Features = x }));
                        var mu = expected[lease.PairId].Mu;
                        for (int k = 0; k < rows.Length; k++)
                        {
                            if (!batch[k].Mu.SequenceEqual(mu[k])) errors.Enqueue($"batch row {k} not from {lease.PairId}");
                            if (Math.Abs(batch[k].Unit.Sum(v => v * v) - 1) > 1e-5) errors.Enqueue("the ML.NET step after the encoder did not run");
                        }
                    }
                    Interlocked.Increment(ref calls);
                }
                catch (Exception e)
                {
                    errors.Enqueue(e.ToString());
                }
            }
        })).ToArray();
        for (int swap = 1; swap <= 8; swap++)
        {
            var source = swap % 2 == 1 ? ServingFolders.SensorsB : ServingFolders.SensorsA;
            var target = VaeModel.Load(source).PairId;
            ServingFolders.Swap(source, folder);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (host.CurrentPairId != target && DateTime.UtcNow < deadline) Thread.Sleep(5);
            Assert.AreEqual(target, host.CurrentPairId, $"swap {swap}");
            // Each generation must serve calls before the next swap: on a loaded machine a fixed sleep let all 8 swaps
            // pass before the workers were scheduled at all ("0 calls").
            // Leases too: with fast single-row calls, 30 calls could all be Predicts and the leases see one generation only.
            long before = Interlocked.Read(ref calls), leasesBefore = Interlocked.Read(ref leaseCalls);
            var served = DateTime.UtcNow.AddSeconds(60);
            while ((Interlocked.Read(ref calls) < before + 30 || Interlocked.Read(ref leaseCalls) < leasesBefore + 1) && DateTime.UtcNow < served) Thread.Sleep(5);
        }
        stop.Cancel();
        Task.WaitAll(workers);
        Assert.AreEqual(0, errors.Count, string.Join("\n", errors.Take(3)));
        Assert.AreEqual(8, host.SwapCount);
        Assert.IsTrue(calls > 200, $"{calls} calls");
        var live = sets.Keys.Where(s => !s.IsDisposed).ToArray();
        Assert.IsTrue(live.Length <= 1 && live.All(s => s.Model.PairId == host.CurrentPairId), "only the chains in service stay open");
        Assert.IsTrue(sets.Count > 2, "leases saw several generations of chains");
    }

    [TestMethod]
    public void SingleRowsAndBatchesGiveTheFittedChainsNumbers()
    {
        var rows = ServingFolders.Rows(9, 5);
        var expected = InProcessResults.Of(ServingFolders.SensorsA, rows);
        using var host = new VaeChainHost(Options(ServingFolders.CopyOf(ServingFolders.SensorsA)));
        var batch = host.PredictBatch<In, Scored>(VaeStandardChains.Score, rows.Select(r => new In { Features = r }));
        Assert.AreEqual(expected.PairId, batch.PairId);
        for (int r = 0; r < rows.Length; r++)
        {
            var one = host.Predict<In, Scored>(VaeStandardChains.Score, new In { Features = rows[r] });
            Assert.AreEqual(expected.PairId, one.PairId);
            CollectionAssert.AreEqual(expected.ScoreParts[r], new[] { batch.Rows[r].Score, batch.Rows[r].Score_recon, batch.Rows[r].Score_kl, batch.Rows[r].Score_sqerr });
            var single = new[] { one.Value.Score, one.Value.Score_recon, one.Value.Score_kl, one.Value.Score_sqerr };
            for (int p = 0; p < 4; p++) Assert.IsTrue(Close(expected.ScoreParts[r][p], single[p]), $"row {r}, part {p}: {single[p]} vs {expected.ScoreParts[r][p]}");
        }
        using var lease = host.Acquire();
        CollectionAssert.AreEquivalent(new[] { "encode", "decode", "reconstruct", "score" }, lease.ChainNames.ToArray());
        var error = Assert.ThrowsExactly<ArgumentException>(() => lease.Chain("classify"));
        StringAssert.Contains(error.Message, "no chain named 'classify'; the host serves");
    }

    [TestMethod]
    public void AFolderThatIsNotACompleteValidPairOrAChainThatFailsToBuildKeepsTheOldChains()
    {
        var folder = ServingFolders.CopyOf(ServingFolders.SensorsA);
        var pairB = VaeModel.Load(ServingFolders.SensorsB).PairId;
        bool refuseB = true;
        using var host = new VaeChainHost(Options(folder), b =>
        {
            if (refuseB && b.Model.PairId == pairB) throw new InvalidOperationException("the classifier of this pair is not trained yet");
            VaeStandardChains.Add(b);
        });
        var before = host.CurrentPairId;
        var failures = new List<Exception>();
        host.ReloadFailed += failures.Add;

        ServingFolders.Replace(ServingFolders.SensorsB, folder, "encoder.onnx");
        Assert.IsFalse(host.Reload(), "half replaced");
        StringAssert.Contains(failures[^1].Message, "differs from");
        ServingFolders.Replace(ServingFolders.SensorsB, folder, "decoder.onnx");
        Assert.IsFalse(host.Reload(), "the builder refused the new pair");
        StringAssert.Contains(failures[^1].Message, "not trained yet");
        Assert.AreEqual(before, host.CurrentPairId);
        Assert.IsTrue(host.FailedReloadCount >= 2, "the file watcher may have tried as well");
        Assert.AreSame(failures[^1], host.LastReloadFailure);

        refuseB = false;
        host.Reload(); // or the watcher, if it runs first
        Assert.AreEqual(pairB, host.CurrentPairId);
        Assert.IsNull(host.LastReloadFailure);
        Assert.IsFalse(host.Reload(), "the same pair again is no swap");
    }

    [TestMethod]
    public void StrictCudaFailsWhenTheHostLoads()
    {
        var options = Options(ServingFolders.CopyOf(ServingFolders.SensorsA)) with
        {
            Session = new VaeSessionOptions { Provider = VaeExecutionProvider.Cuda, AllowCpuFallback = false },
        };
        if (Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            // A process with the CUDA provider: strict mode loads the host on the GPU with the folder's pair in service.
            using var onGpu = new VaeChainHost(options);
            Assert.AreEqual(VaeModel.Load(ServingFolders.SensorsA).PairId, onGpu.CurrentPairId);
            return;
        }
        var error = Assert.ThrowsExactly<VaeModelLoadException>(() => new VaeChainHost(options));
        StringAssert.Contains(error.Message, "CUDA");
    }

    /// <summary>
    /// A single row runs as a block of one, and ONNX Runtime may sum one row in another order than a block: equal to float
    /// rounding (batches are compared bit for bit).
    /// </summary>
    private static bool Close(float expected, float actual) => Math.Abs(expected - actual) <= 1e-6 * Math.Max(1, Math.Abs(expected));

    private sealed class In
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class Scored
    {
        public float Score { get; set; }
        public float Score_recon { get; set; }
        public float Score_kl { get; set; }
        public float Score_sqerr { get; set; }
    }

    private sealed class Latent
    {
        public float[] Mu { get; set; } = [];
        public float[] Unit { get; set; } = [];
    }
}
