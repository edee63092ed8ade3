using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;

namespace VaeOnnx.Tests.Serving;

/// <summary>Two table pairs of one schema swapped under concurrent requests: every answer's numbers are those of the pair it names.</summary>
[TestClass]
public sealed class TableHotSwapTests
{
    [TestMethod]
    public async Task EveryAnswerMatchesThePairItNamesAcrossSwaps()
    {
        var expected = new[] { ServingTables.Customers, ServingTables.CustomersSecond }.Select(f => TableScores.Of(f, TableServingTests.Expected)).ToDictionary(s => s.PairId);
        Assert.AreEqual(2, expected.Count, "two different pairs");
        var folder = ServingFolders.CopyOf(ServingTables.Customers);
        using var factory = new ServiceFactory(folder);
        using var client = factory.CreateClient();
        var answers = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var body = $$"""{"rows": {{TableServingTests.Rows}}, "id": "id"}""";
        async Task Client()
        {
            while (!stop.IsCancellationRequested)
            {
                var answer = await ServingApiTests.PostAsync(client, "/score", body);
                var pair = answer.GetProperty("pair_id").GetString()!;
                Assert.IsTrue(expected.TryGetValue(pair, out var scores), $"unknown pair {pair}");
                var results = answer.GetProperty("results").EnumerateArray().ToArray();
                for (int r = 0; r < results.Length; r++) TableServingTests.AssertResult(scores, r, results[r], $"pair {pair}");
                answers.AddOrUpdate(pair, 1, (_, n) => n + 1);
            }
        }
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(Client)).ToArray();
        foreach (var source in new[] { ServingTables.CustomersSecond, ServingTables.Customers, ServingTables.CustomersSecond })
        {
            var target = VaeOnnx.Inference.VaeModel.Load(source).PairId;
            int before = answers.GetValueOrDefault(target);
            ServingFolders.Swap(source, folder);
            await WaitFor(async () => (await client.GetFromJsonAsync<JsonElement>("/health")).GetProperty("pair_id").GetString() == target, $"swap to {target}");
            await WaitFor(() => Task.FromResult(answers.GetValueOrDefault(target) >= before + 5), $"answers from {target}");
        }
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        Assert.AreEqual(2, answers.Count, "both pairs answered");
        var swaps = (await client.GetFromJsonAsync<JsonElement>("/health")).GetProperty("swaps").GetInt32();
        Assert.AreEqual(3, swaps);
    }

    private static async Task WaitFor(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
