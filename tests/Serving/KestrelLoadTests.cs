using Microsoft.Extensions.DependencyInjection;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Serving.Hosting;
using VaeOnnx.Serving.Load;

namespace VaeOnnx.Tests.Serving;

/// <summary>The service on a real socket (Kestrel on 127.0.0.1, a port the system picks), under concurrent clients and hot swaps.</summary>
[TestClass]
public sealed class KestrelLoadTests
{
    [TestMethod]
    public async Task EightClientsOnLoopbackGetNoErrorsAndNoMixedPairsThroughHotSwaps()
    {
        var folder = ServingFolders.CopyOf(ServingFolders.SensorsA);
        var rows = ServingFolders.Rows(16, 9);
        var expected = new ExpectedAnswers([VaeModel.Load(ServingFolders.SensorsA), VaeModel.Load(ServingFolders.SensorsB)], rows);
        Assert.AreEqual(2, expected.PairIds.Count);
        await using var app = VaeServingApp.Build(["--model", folder, "--urls", "http://127.0.0.1:0", "--Vae:PollIntervalMs", "50",
            "--Vae:JsonLogs", "false", "--Logging:LogLevel:Default", "Warning"]);
        await app.StartAsync();
        var address = app.Urls.Single();
        StringAssert.StartsWith(address, "http://127.0.0.1:");
        var host = app.Services.GetRequiredService<VaeChainHost>();
        using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };

        LoadRequest Request(string path, bool objects)
        {
            var body = System.Text.Encoding.UTF8.GetBytes(ServingApiTests.RowsBody(rows, objects));
            return new LoadRequest(path, body, rows.Length, expected.Check(path));
        }
        var plan = new LoadPlan
        {
            Clients = 8,
            Duration = TimeSpan.FromSeconds(8),
            MaxRequestsPerClient = 3000,
            Requests = [Request("/score", false), Request("/score", true), Request("/encode", false)],
            Swaps = 6,
            Swap = async i =>
            {
                var source = i % 2 == 1 ? ServingFolders.SensorsB : ServingFolders.SensorsA;
                var target = VaeModel.Load(source).PairId;
                ServingFolders.Replace(source, folder, "encoder.onnx");
                await Task.Delay(150); // half replaced: the old pair must stay in service
                ServingFolders.Replace(source, folder, "decoder.onnx");
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (host.CurrentPairId != target && DateTime.UtcNow < deadline) await Task.Delay(10);
                Assert.AreEqual(target, host.CurrentPairId, $"swap {i}");
            },
        };
        var result = await ServiceLoad.RunAsync(client, plan);
        await app.StopAsync();

        Assert.AreEqual(0, result.Errors, string.Join("\n", result.FirstErrors));
        Assert.AreEqual(6, host.SwapCount);
        Assert.IsTrue(host.FailedReloadCount > 0, "a half-replaced folder was refused");
        Assert.AreEqual(2, result.PairsSeen.Count, "both pairs answered");
        Assert.IsTrue(result.Requests > 200, $"{result.Requests} requests");
        Assert.IsTrue(result.P99Ms >= result.P50Ms && result.P50Ms > 0);
    }
}
