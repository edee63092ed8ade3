using System.Collections.Concurrent;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;

namespace VaeOnnx.Tests.Inference;

/// <summary>
/// <see cref="VaeChainHost"/>'s hot swap driven by the folder watcher while files are replaced one at a time, and a
/// damaged replacement (tests/Serving covers explicit reloads, builders that throw and the chains' numbers).
/// </summary>
[TestClass]
public sealed class VaeChainHostSwapTests
{
    private static void Replace(string source, string folder, string file)
    {
        var temp = Path.Combine(folder, $".{file}.{Guid.NewGuid():N}.tmp");
        File.Copy(Path.Combine(source, file), temp);
        File.Move(temp, Path.Combine(folder, file), overwrite: true);
    }

    private static VaeChainHost Host(string folder, TimeSpan poll) => new(new VaeChainHostOptions { ModelFolder = folder, PollInterval = poll });

    private static VaePrediction<Scored> Score(VaeChainHost host, float[] row) => host.Predict<In, Scored>(VaeStandardChains.Score, new In { Features = row });

    [TestMethod]
    public void PairsSwapUnderConcurrentScoringWithoutErrorsOrMixedResults()
    {
        var pairs = new[] { ModelPairs.Tabular, ModelPairs.TabularSecond };
        var random = new Random(5);
        var rows = Enumerable.Range(0, 16).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 40)).ToArray()).ToArray();
        var expected = new Dictionary<string, float[]>();
        foreach (var pair in pairs)
        {
            using var reference = Host(pair, TimeSpan.FromHours(1));
            expected[reference.CurrentPairId] = rows.Select(r => Score(reference, r).Value.Score).ToArray();
        }
        Assert.AreEqual(2, expected.Count, "two different pairs");
        CollectionAssert.AreNotEqual(expected.Values.First(), expected.Values.Last());

        var serving = RepoPaths.NewTempFolder("serving");
        foreach (var f in new[] { "encoder.onnx", "decoder.onnx" }) File.Copy(Path.Combine(pairs[0], f), Path.Combine(serving, f));
        using var host = Host(serving, TimeSpan.FromMilliseconds(20));
        int swaps = 0, failedReloads = 0;
        host.Swapped += (_, _) => Interlocked.Increment(ref swaps);
        host.ReloadFailed += _ => Interlocked.Increment(ref failedReloads);
        var errors = new ConcurrentQueue<Exception>();
        var sets = new ConcurrentDictionary<VaeChainSet, byte>();
        long scored = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            int i = t;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var lease = host.Acquire();
                    sets.TryAdd(lease.Set, 0);
                    var row = i++ % rows.Length;
                    var score = lease.Predict<In, Scored>(VaeStandardChains.Score, new In { Features = rows[row] }).Score;
                    if (expected[lease.PairId][row] != score)
                        throw new InvalidOperationException($"row {row} scored {score} by {lease.PairId}; expected {expected[lease.PairId][row]}");
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
            while (host.CurrentPairId != target && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Assert.AreEqual(target, host.CurrentPairId, $"swap {swap}");
            Thread.Sleep(50);
        }
        // On a loaded machine the workers may not have leased the last pair within the sleep: let them reach it before
        // stopping, so that the check below sees the chains in service rather than the scheduler's timing.
        var served = DateTime.UtcNow.AddSeconds(20);
        while (!sets.Keys.Any(s => s.Model.PairId == host.CurrentPairId) && DateTime.UtcNow < served) Thread.Sleep(10);
        stop.Cancel();
        Task.WaitAll(workers);

        Assert.AreEqual(0, errors.Count, string.Join("\n", errors.Take(3)));
        Assert.AreEqual(20, swaps);
        Assert.IsTrue(failedReloads > 0, "the half-replaced folder was refused at least once");
        Assert.IsTrue(scored > 1000, $"scored {scored}");
        var current = sets.Keys.Where(s => s.Model.PairId == host.CurrentPairId && !s.IsDisposed).ToArray();
        Assert.AreEqual(1, current.Length, "only the pair in service keeps its sessions");
        Assert.IsTrue(sets.Keys.Except(current).All(s => s.IsDisposed), "replaced pairs are disposed once their leases end");
    }

    [TestMethod]
    public void BrokenReplacementKeepsTheOldPair()
    {
        var serving = RepoPaths.NewTempFolder("serving-broken");
        foreach (var f in new[] { "encoder.onnx", "decoder.onnx" }) File.Copy(Path.Combine(ModelPairs.Tabular, f), Path.Combine(serving, f));
        using var host = Host(serving, TimeSpan.FromHours(1));
        var before = host.CurrentPairId;
        Exception? failure = null;
        host.ReloadFailed += e => failure = e;
        File.WriteAllText(Path.Combine(serving, "decoder.onnx"), "garbage");
        Assert.IsFalse(host.Reload());
        Assert.AreEqual(before, host.CurrentPairId);
        Assert.IsNotNull(failure);
        StringAssert.Contains(failure.Message, "decoder.onnx");
        var score = Score(host, [100f, 1f, 0.1f, 0.001f, 50f]);
        Assert.AreEqual(before, score.PairId);
        Assert.IsTrue(float.IsFinite(score.Value.Score));
    }

    private sealed class In
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class Scored
    {
        public float Score { get; set; }
    }
}
