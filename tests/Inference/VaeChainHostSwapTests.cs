using System.Collections.Concurrent;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;

namespace VaeOnnx.Tests.Inference;

[TestClass]
public sealed class VaeModelProviderTests
{
    private static void Replace(string source, string folder, string file)
    {
        var temp = Path.Combine(folder, $".{file}.{Guid.NewGuid():N}.tmp");
        File.Copy(Path.Combine(source, file), temp);
        File.Move(temp, Path.Combine(folder, file), overwrite: true);
    }

    [TestMethod]
    public void PairsSwapUnderConcurrentScoringWithoutErrorsOrMixedResults()
    {
        var pairs = new[] { ModelPairs.Tabular, ModelPairs.TabularSecond };
        var random = new Random(5);
        var rows = Enumerable.Range(0, 16).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 40)).ToArray()).ToArray();
        var expected = new Dictionary<string, float[]>();
        foreach (var pair in pairs)
        {
            using var scorer = new VaePairScorer(VaeModel.Load(pair));
            expected[scorer.Model.PairId] = rows.Select(r => scorer.Score(r).Score).ToArray();
        }
        Assert.AreEqual(2, expected.Count, "two different pairs");
        CollectionAssert.AreNotEqual(expected.Values.First(), expected.Values.Last());

        var serving = RepoPaths.NewTempFolder("serving");
        foreach (var f in new[] { "encoder.onnx", "decoder.onnx" }) File.Copy(Path.Combine(pairs[0], f), Path.Combine(serving, f));
        using var provider = new VaeModelProvider(serving, pollInterval: TimeSpan.FromMilliseconds(20));
        int swaps = 0, failedReloads = 0;
        provider.Swapped += (_, _) => Interlocked.Increment(ref swaps);
        provider.ReloadFailed += _ => Interlocked.Increment(ref failedReloads);
        var errors = new ConcurrentQueue<Exception>();
        var scorers = new ConcurrentDictionary<VaePairScorer, byte>();
        long scored = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            int i = t;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var lease = provider.Acquire();
                    scorers.TryAdd(lease.Scorer, 0);
                    var row = i++ % rows.Length;
                    var result = lease.Scorer.Score(rows[row]);
                    if (result.PairId != lease.PairId || expected[result.PairId][row] != result.Score)
                        throw new InvalidOperationException($"row {row} scored {result.Score} by {result.PairId}; expected {expected[result.PairId][row]}");
                    Interlocked.Increment(ref scored);
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            }
        })).ToArray();

        for (int swap = 1; swap <= 20; swap++)
        {
            var source = pairs[swap % 2];
            var target = VaeModel.Load(source).PairId;
            Replace(source, serving, "encoder.onnx");
            Thread.Sleep(60); // half-replaced: the old pair must stay in service
            Replace(source, serving, "decoder.onnx");
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (provider.CurrentPairId != target && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Assert.AreEqual(target, provider.CurrentPairId, $"swap {swap}");
            Thread.Sleep(50);
        }
        // On a loaded machine the workers may not have leased the last pair within the sleep: let them reach it before
        // stopping, so that the check below sees the scorer in service rather than the scheduler's timing.
        var served = DateTime.UtcNow.AddSeconds(20);
        while (!scorers.Keys.Any(s => s.Model.PairId == provider.CurrentPairId) && DateTime.UtcNow < served) Thread.Sleep(10);
        stop.Cancel();
        Task.WaitAll(workers);

        Assert.AreEqual(0, errors.Count, string.Join("\n", errors.Take(3)));
        Assert.AreEqual(20, swaps);
        Assert.IsTrue(failedReloads > 0, "the half-replaced folder was refused at least once");
        Assert.IsTrue(scored > 1000, $"scored {scored}");
        var current = scorers.Keys.Where(s => s.Model.PairId == provider.CurrentPairId && !s.IsDisposed).ToArray();
        Assert.AreEqual(1, current.Length, "only the pair in service keeps its sessions");
        Assert.IsTrue(scorers.Keys.Except(current).All(s => s.IsDisposed), "replaced pairs are disposed once their leases end");
    }

    [TestMethod]
    public void BrokenReplacementKeepsTheOldPair()
    {
        var serving = RepoPaths.NewTempFolder("serving-broken");
        foreach (var f in new[] { "encoder.onnx", "decoder.onnx" }) File.Copy(Path.Combine(ModelPairs.Tabular, f), Path.Combine(serving, f));
        using var provider = new VaeModelProvider(serving, pollInterval: TimeSpan.FromHours(1));
        var before = provider.CurrentPairId;
        Exception? failure = null;
        provider.ReloadFailed += e => failure = e;
        File.WriteAllText(Path.Combine(serving, "decoder.onnx"), "garbage");
        Assert.IsFalse(provider.Reload());
        Assert.AreEqual(before, provider.CurrentPairId);
        Assert.IsNotNull(failure);
        StringAssert.Contains(failure.Message, "decoder.onnx");
        var score = provider.Score([100f, 1f, 0.1f, 0.001f, 50f]);
        Assert.AreEqual(before, score.PairId);
        Assert.IsTrue(float.IsFinite(score.Score));
    }
}
