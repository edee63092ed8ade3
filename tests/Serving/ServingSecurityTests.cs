using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VaeOnnx.Tests.Serving;

/// <summary>API keys, the per-client rate limit and what the logs hold.</summary>
[TestClass]
public sealed class ServingSecurityTests
{
    private static readonly (string, string)[] Keys = [("Vae:ApiKeys:0", "alpha-key-1234"), ("Vae:ApiKeys:1", "beta-key-5678")];

    private static async Task<(HttpStatusCode Status, string Text, HttpResponseMessage Response)> Score(HttpClient client, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/score") { Content = new StringContent(ServingApiTests.RowsBody(ServingFolders.Rows(3, 4), false), Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [TestMethod]
    public async Task NoKeyOrAWrongKeyIs401AndHealthStaysOpen()
    {
        var expected = InProcessResults.Of(ServingFolders.SensorsA, ServingFolders.Rows(3, 4));
        using var factory = new ServiceFactory(ServingFolders.CopyOf(ServingFolders.SensorsA), Keys);
        using var client = factory.CreateClient();
        foreach (var key in new[] { null, "", "alpha-key-123", "gamma" })
        {
            var (status, text, response) = await Score(client, key);
            Assert.AreEqual(HttpStatusCode.Unauthorized, status, $"key '{key}': {text}");
            StringAssert.Contains(JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString(), "a missing or wrong API key: send one of the service's keys (Vae:ApiKeys) in the X-Api-Key header");
            Assert.AreEqual("ApiKey header=\"X-Api-Key\"", response.Headers.WwwAuthenticate.ToString());
            response.Dispose();
        }
        foreach (var key in new[] { "alpha-key-1234", "beta-key-5678" })
        {
            var (status, text, response) = await Score(client, key);
            response.Dispose();
            Assert.AreEqual(HttpStatusCode.OK, status, text);
            var scores = JsonDocument.Parse(text).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("score").GetSingle()).ToArray();
            CollectionAssert.AreEqual(expected.ScoreParts.Select(p => p[0]).ToArray(), scores, $"key {key} scores");
        }
        using (var model = await client.GetAsync("/model")) Assert.AreEqual(HttpStatusCode.Unauthorized, model.StatusCode, "every route but /health");
        using var health = await client.GetAsync("/health");
        Assert.AreEqual(HttpStatusCode.OK, health.StatusCode, "probes carry no key");
    }

    [TestMethod]
    public async Task OverTheRateIs429PerClient()
    {
        using var factory = new ServiceFactory(ServingFolders.CopyOf(ServingFolders.SensorsA), [.. Keys, ("Vae:RateLimitPerMinute", "3")]);
        using var client = factory.CreateClient();
        for (int i = 0; i < 3; i++)
        {
            var (status, text, response) = await Score(client, "alpha-key-1234");
            response.Dispose();
            Assert.AreEqual(HttpStatusCode.OK, status, $"request {i + 1}: {text}");
        }
        var (over, overText, overResponse) = await Score(client, "alpha-key-1234");
        using (overResponse)
        {
            Assert.AreEqual(HttpStatusCode.TooManyRequests, over, overText);
            StringAssert.Contains(JsonDocument.Parse(overText).RootElement.GetProperty("detail").GetString(), "more than 3 requests a minute from this client (Vae:RateLimitPerMinute)");
            Assert.IsTrue(overResponse.Headers.RetryAfter?.Delta?.TotalSeconds is > 0 and <= 60, $"Retry-After {overResponse.Headers.RetryAfter}");
        }
        var (other, otherText, otherResponse) = await Score(client, "beta-key-5678");
        otherResponse.Dispose();
        Assert.AreEqual(HttpStatusCode.OK, other, $"another key has its own budget: {otherText}");
        for (int i = 0; i < 5; i++)
        {
            using var health = await client.GetAsync("/health");
            Assert.AreEqual(HttpStatusCode.OK, health.StatusCode, "/health is not rate limited");
        }
    }

    [TestMethod]
    public async Task TheLogsNeverEchoRequestBodies()
    {
        var logs = new CapturedLogs();
        using var factory = new ServiceFactory(ServingTables.Customers);
        using var logged = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        using var client = logged.CreateClient();
        string[] secrets = ["SECRET-ID-91", "SECRET-CITY-92", "SECRET-AGE-93", "SECRET-AGE-94", "SECRET-TOP-95"];
        await ServingApiTests.PostAsync(client, "/score", $$"""{"id": "id", "rows": [{"id": "{{secrets[0]}}", "city": "{{secrets[1]}}", "vip": "yes", "age": 40, "amount": 1, "visits": 1}]}""");
        var refused = await ServingApiTests.PostAsync(client, "/score", $$"""{"rows": [{"city": "Paris", "vip": "yes", "age": "{{secrets[2]}}", "amount": 1, "visits": 1}]}""", HttpStatusCode.BadRequest);
        StringAssert.Contains(refused.GetProperty("detail").GetString(), $"rows[0], column 'age': '{secrets[2]}' is not a number", "the client is told the value");
        var (status, text, _) = await TableServingTests.SendAsync(client, "/score", $"id,city,vip,age,amount,visits\nC1,Paris,yes,{secrets[3]},1,1\n", "text/csv");
        Assert.AreEqual(HttpStatusCode.BadRequest, status, text);
        await ServingApiTests.PostAsync(client, "/score", $$"""{"rows": [], "top": "{{secrets[4]}}"}""", HttpStatusCode.BadRequest);
        var lines = logs.Lines.ToArray();
        Assert.IsTrue(lines.Any(l => l.Contains("score refused with 400: rows[0], column 'age': '…' is not a number", StringComparison.Ordinal)), string.Join("\n", lines));
        Assert.IsTrue(lines.Any(l => l.Contains("the CSV body: line 2, column 'age': '…' is not a number", StringComparison.Ordinal)), string.Join("\n", lines));
        foreach (var secret in secrets)
            Assert.IsFalse(lines.Any(l => l.Contains(secret, StringComparison.Ordinal)), $"{secret} in the logs:\n{string.Join("\n", lines.Where(l => l.Contains(secret, StringComparison.Ordinal)))}");
    }
}
