using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Inference;

namespace VaeOnnx.Tests.Serving;

/// <summary>The service in memory: its answers equal the in-process chains, and every bad request is a 400 with its reason.</summary>
[TestClass]
public sealed class ServingApiTests
{
    private static readonly string[] Names = ["temp", "pressure", "1", "flow", "2"];

    internal static async Task<JsonElement> PostAsync(HttpClient client, string path, string body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(expected, response.StatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static string RowsBody(float[][] rows, bool asObjects) => JsonSerializer.Serialize(new
    {
        rows = rows.Select(r => asObjects
            ? (object)Names.Select((n, i) => (n, i)).Reverse().ToDictionary(p => p.n, p => r[p.i]) // keys in another order than the features
            : r),
    });

    internal static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    [TestMethod]
    public async Task ScoreEncodeReconstructAndDecodeEqualTheInProcessChains()
    {
        var rows = ServingFolders.Rows(40, 1);
        var expected = InProcessResults.Of(ServingFolders.SensorsA, rows);
        using var factory = new ServiceFactory(ServingFolders.CopyOf(ServingFolders.SensorsA));
        using var client = factory.CreateClient();
        foreach (var asObjects in new[] { false, true })
        {
            var body = RowsBody(rows, asObjects);
            var score = await PostAsync(client, "/score", body);
            Assert.AreEqual(expected.PairId, score.GetProperty("pair_id").GetString());
            var results = score.GetProperty("results").EnumerateArray().ToArray();
            Assert.AreEqual(rows.Length, results.Length);
            for (int r = 0; r < rows.Length; r++)
                CollectionAssert.AreEqual(expected.ScoreParts[r], VaeScoreParts.All.Select(p => results[r].GetProperty(p).GetSingle()).ToArray(), $"row {r}, objects {asObjects}");

            var encoded = (await PostAsync(client, "/encode", body)).GetProperty("results").EnumerateArray().ToArray();
            var reconstructed = (await PostAsync(client, "/reconstruct", body)).GetProperty("results").EnumerateArray().ToArray();
            for (int r = 0; r < rows.Length; r++)
            {
                CollectionAssert.AreEqual(expected.Mu[r], Floats(encoded[r].GetProperty("mu")));
                CollectionAssert.AreEqual(expected.LogVar[r], Floats(encoded[r].GetProperty("logvar")));
                CollectionAssert.AreEqual(expected.XHat[r], Floats(reconstructed[r].GetProperty("x_hat")));
            }
        }
        var decoded = (await PostAsync(client, "/decode", JsonSerializer.Serialize(new { rows = expected.Mu }))).GetProperty("results").EnumerateArray().ToArray();
        var decodedHere = InProcessResults.Decode(ServingFolders.SensorsA, expected.Mu);
        for (int r = 0; r < rows.Length; r++) CollectionAssert.AreEqual(decodedHere[r], Floats(decoded[r].GetProperty("x_hat")));
        var empty = await PostAsync(client, "/score", "{\"rows\": []}");
        Assert.AreEqual(0, empty.GetProperty("results").GetArrayLength());
    }

    [TestMethod]
    public async Task BinaryRowsScoreLikeJsonRowsAndBadOnesAre400()
    {
        var rows = ServingFolders.Rows(10, 6);
        using var factory = new ServiceFactory(ServingFolders.CopyOf(ServingFolders.SensorsA));
        using var client = factory.CreateClient();
        async Task<(HttpStatusCode, string)> PostBinary(byte[] bytes)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            using var response = await client.PostAsync("/score", content);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        byte[] Bytes(IEnumerable<float> values) => values.SelectMany(BitConverter.GetBytes).ToArray();
        var json = await PostAsync(client, "/score", RowsBody(rows, false));
        var (status, binary) = await PostBinary(Bytes(rows.SelectMany(r => r)));
        Assert.AreEqual(HttpStatusCode.OK, status, binary);
        Assert.AreEqual(json.GetRawText(), JsonDocument.Parse(binary).RootElement.GetRawText());
        var (shortStatus, shortBody) = await PostBinary(Bytes(rows[0].Take(3)));
        Assert.AreEqual(HttpStatusCode.BadRequest, shortStatus);
        StringAssert.Contains(shortBody, "the body has 12 bytes, not a whole number of rows of 5 features");
        var (nanStatus, nanBody) = await PostBinary(Bytes([1, 2, 3, 4, 5, 1, 2, float.NaN, 4, 5]));
        Assert.AreEqual(HttpStatusCode.BadRequest, nanStatus);
        StringAssert.Contains(nanBody, "rows[1], feature '1': NaN; expected a finite number");
    }

    [TestMethod]
    public async Task SampleDrawsWhatSamplePriorDrawsAndDecodesThem()
    {
        using var factory = new ServiceFactory(ServingFolders.CopyOf(ServingFolders.SensorsA));
        using var client = factory.CreateClient();
        var first = await PostAsync(client, "/sample", "{\"count\": 6, \"seed\": 7}");
        var again = await PostAsync(client, "/sample", "{\"seed\": 7, \"count\": 6}");
        Assert.AreEqual(first.GetRawText(), again.GetRawText(), "same seed, same draws");
        var ml = new MLContext(1);
        var model = VaeModel.Load(ServingFolders.SensorsA);
        var z = model.SamplePrior(ml, 6, 7, "Z").GetColumn<float[]>("Z").ToArray();
        var xHat = InProcessResults.Decode(ServingFolders.SensorsA, z);
        var results = first.GetProperty("results").EnumerateArray().ToArray();
        Assert.AreEqual(6, results.Length);
        for (int r = 0; r < 6; r++)
        {
            CollectionAssert.AreEqual(z[r], Floats(results[r].GetProperty("z")));
            CollectionAssert.AreEqual(xHat[r], Floats(results[r].GetProperty("x_hat")));
        }
        var other = await PostAsync(client, "/sample", "{\"count\": 6, \"seed\": 8}");
        Assert.AreNotEqual(first.GetRawText(), other.GetRawText());
    }

    [TestMethod]
    public async Task ModelHealthMetricsAndTheOpenApiDocumentDescribeTheService()
    {
        using var factory = new ServiceFactory(ServingFolders.CopyOf(ServingFolders.SensorsA));
        using var client = factory.CreateClient();
        var pairId = VaeModel.Load(ServingFolders.SensorsA).PairId;
        var model = await client.GetFromJsonAsync<JsonElement>("/model");
        Assert.AreEqual(pairId, model.GetProperty("pair_id").GetString());
        Assert.AreEqual(5, model.GetProperty("input_dim").GetInt32());
        Assert.AreEqual(2, model.GetProperty("latent_dim").GetInt32());
        Assert.AreEqual("gaussian", model.GetProperty("likelihood").GetString());
        CollectionAssert.AreEqual(Names, model.GetProperty("feature_names").EnumerateArray().Select(n => n.GetString()).ToArray());
        var features = model.GetProperty("features").EnumerateArray().ToArray();
        Assert.AreEqual("1", features[2].GetProperty("name").GetString());
        Assert.AreEqual(2, features[2].GetProperty("index").GetInt32());
        Assert.AreEqual("numeric", features[2].GetProperty("kind").GetString());
        Assert.AreEqual("sensors", model.GetProperty("metadata").GetProperty("dataset").GetString());
        Assert.AreEqual(8, model.GetProperty("metadata").GetProperty("architecture").GetProperty("hidden")[0].GetInt32());

        var health = await client.GetFromJsonAsync<JsonElement>("/health");
        Assert.AreEqual("ok", health.GetProperty("status").GetString());
        Assert.AreEqual(pairId, health.GetProperty("pair_id").GetString());

        await PostAsync(client, "/score", RowsBody(ServingFolders.Rows(7, 2), false));
        await PostAsync(client, "/score", "{\"rows\": [[1]]}", HttpStatusCode.BadRequest);
        var score = (await client.GetFromJsonAsync<JsonElement>("/metrics")).GetProperty("endpoints").GetProperty("score");
        Assert.AreEqual(2, score.GetProperty("requests").GetInt64());
        Assert.AreEqual(1, score.GetProperty("errors").GetInt64());
        Assert.AreEqual(7, score.GetProperty("rows").GetInt64());
        Assert.IsTrue(score.GetProperty("p99_ms").GetDouble() >= score.GetProperty("p50_ms").GetDouble());

        var openApi = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        foreach (var path in new[] { "/health", "/model", "/metrics", "/encode", "/reconstruct", "/score", "/decode", "/sample" })
            Assert.IsNotNull(openApi["paths"]![path], path);
        Assert.IsNotNull(openApi["paths"]!["/score"]!["post"]!["requestBody"], "the request body is documented");
        Assert.IsNotNull(openApi["paths"]!["/score"]!["post"]!["responses"]!["400"], "400 is documented");
    }

    [TestMethod]
    [DataRow("/score", "{\"rows\": [[1,2,3]]}", "rows[0] has 3 values; expected 5 features (temp, pressure, 1, flow, 2)")]
    [DataRow("/score", "{\"rows\": [[1,2,3,4,5,6]]}", "rows[0] has 6 values")]
    [DataRow("/score", "{\"rows\": [[1,2,3,4,5]", "invalid JSON")]
    [DataRow("/score", "rows=1", "invalid JSON")]
    [DataRow("/score", "", "the body is empty")]
    [DataRow("/score", "[[1,2,3,4,5]]", "the body is an array; expected {\"rows\": [row, ...]}")]
    [DataRow("/score", "{\"row\": []}", "unknown property 'row'")]
    [DataRow("/score", "{}", "no 'rows'")]
    [DataRow("/score", "{\"rows\": {}}", "'rows' is an object; expected an array of rows")]
    [DataRow("/score", "{\"rows\": [5]}", "rows[0] is a number; expected an array of 5 features")]
    [DataRow("/score", "{\"rows\": [[1,2,3,4,5], [1,2,null,4,5]]}", "rows[1], feature '1': null; expected a number")]
    [DataRow("/encode", "{\"rows\": [[1,2,\"3\",4,5]]}", "rows[0], feature '1': a string; expected a number")]
    [DataRow("/reconstruct", "{\"rows\": [[1,2,3,4,1e39]]}", "rows[0], feature '2': 1e39 is outside the float32 range")]
    [DataRow("/score", "{\"rows\": [{\"temp\":1,\"pressure\":2,\"1\":3,\"flow\":4}]}", "rows[0] has no feature '2'")]
    [DataRow("/score", "{\"rows\": [{\"temp\":1,\"pressure\":2,\"1\":3,\"flow\":4,\"2\":5,\"3\":6}]}", "rows[0] has an unknown feature '3'")]
    [DataRow("/score", "{\"rows\": [{\"temp\":1,\"temp\":1,\"pressure\":2,\"1\":3,\"flow\":4,\"2\":5}]}", "rows[0] gives feature 'temp' twice")]
    [DataRow("/decode", "{\"rows\": [[1,2,3]]}", "rows[0] has 3 values; expected 2 latent numbers")]
    [DataRow("/decode", "{\"rows\": [{\"z\": 1}]}", "the model has no feature names; send each row as an array of 2 latent numbers")]
    [DataRow("/sample", "{\"count\": 0}", "'count' is 0; expected a whole number from 1 to 10000")]
    [DataRow("/sample", "{\"count\": 2.5, \"seed\": 1}", "'count' is 2.5")]
    [DataRow("/sample", "{\"count\": 2, \"seed\": -1}", "'seed' is -1")]
    [DataRow("/sample", "{\"seed\": 1}", "no 'count'")]
    [DataRow("/sample", "{\"count\": 3", "invalid JSON")]
    [DataRow("/sample", "{\"count\": 3, \"n\": 1}", "unknown property 'n'")]
    public async Task BadRequestsAre400WithTheReason(string path, string body, string reason)
    {
        using var client = Shared.Value.CreateClient();
        var problem = await PostAsync(client, path, body, HttpStatusCode.BadRequest);
        StringAssert.Contains(problem.GetProperty("detail").GetString(), reason);
        Assert.AreEqual(400, problem.GetProperty("status").GetInt32());
    }

    // One service for the 25 bad requests (each DataRow would otherwise start one).
    private static readonly Lazy<ServiceFactory> Shared = new(() => new ServiceFactory(ServingFolders.CopyOf(ServingFolders.SensorsA)));

    [ClassCleanup]
    public static void StopSharedService()
    {
        if (Shared.IsValueCreated) Shared.Value.Dispose();
    }

    [TestMethod]
    public async Task TooManyRowsIsA400AndTooLargeABodyA413()
    {
        using var factory = new ServiceFactory(ServingFolders.CopyOf(ServingFolders.SensorsA), ("Vae:MaxRowsPerRequest", "3"), ("Vae:MaxRequestBytes", "200"));
        using var client = factory.CreateClient();
        const string row = "[20,1000,0,3,1]";
        var tooMany = await PostAsync(client, "/score", $"{{\"rows\": [{row},{row},{row},{row}]}}", HttpStatusCode.BadRequest);
        StringAssert.Contains(tooMany.GetProperty("detail").GetString(), "more than 3 rows; send at most 3 per request");
        var tooLarge = await PostAsync(client, "/score", $"{{\"rows\": [{string.Join(",", Enumerable.Repeat(row, 15))}]}}", HttpStatusCode.RequestEntityTooLarge);
        StringAssert.Contains(tooLarge.GetProperty("detail").GetString(), "larger than 200 bytes");
        await PostAsync(client, "/score", $"{{\"rows\": [{row},{row},{row}]}}");
    }

    [TestMethod]
    public async Task ImageModelsTakeArrayRowsOnly()
    {
        var folder = Path.Combine(RepoPaths.Root, "models", "fashion-mnist-mlp");
        using var factory = new ServiceFactory(folder, ("Vae:PollIntervalMs", "3600000"));
        using var client = factory.CreateClient();
        var row = Enumerable.Range(0, 784).Select(i => (i % 7) / 7f).ToArray();
        var score = await PostAsync(client, "/score", JsonSerializer.Serialize(new { rows = new[] { row, row } }));
        var results = score.GetProperty("results");
        Assert.AreEqual(results[0].GetProperty("score").GetSingle(), results[1].GetProperty("score").GetSingle());
        var problem = await PostAsync(client, "/score", "{\"rows\": [{\"0\": 1}]}", HttpStatusCode.BadRequest);
        StringAssert.Contains(problem.GetProperty("detail").GetString(), "no feature names; send each row as an array of 784 numbers");
    }

    [TestMethod]
    public async Task APairWithoutALikelihoodScoresOnlyWhenOneIsConfigured()
    {
        var rows = new[] { new[] { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f } };
        using (var factory = new ServiceFactory(ModelPairs.Foreign))
        {
            using var client = factory.CreateClient();
            var problem = await PostAsync(client, "/score", JsonSerializer.Serialize(new { rows }), HttpStatusCode.BadRequest);
            StringAssert.Contains(problem.GetProperty("detail").GetString(), "no likelihood");
            await PostAsync(client, "/encode", JsonSerializer.Serialize(new { rows }));
        }
        using (var factory = new ServiceFactory(ModelPairs.Foreign, ("Vae:Likelihood", "Bernoulli")))
        {
            using var client = factory.CreateClient();
            var score = await PostAsync(client, "/score", JsonSerializer.Serialize(new { rows }));
            Assert.IsTrue(float.IsFinite(score.GetProperty("results")[0].GetProperty("score").GetSingle()));
        }
    }

    [TestMethod]
    public async Task TheServiceDoesNotStartWithoutAValidModelFolder()
    {
        static async Task<string> StartFails(params string[] args)
        {
            await using var app = VaeOnnx.Serving.Hosting.VaeServingApp.Build([.. args, "--urls", "http://127.0.0.1:0", "--Vae:JsonLogs", "false", "--Logging:LogLevel:Default", "None"]);
            var error = await Assert.ThrowsAsync<Exception>(() => app.StartAsync());
            return error.Message;
        }
        var missing = Path.Combine(RepoPaths.NewTempFolder("no-model"), "absent");
        StringAssert.Contains(await StartFails("--model", missing), $"{missing}: model folder not found");
        StringAssert.Contains(await StartFails(), "Vae:ModelFolder is not set; start the service with --model DIR");
        var broken = ServingFolders.CopyOf(ServingFolders.SensorsA);
        File.WriteAllText(Path.Combine(broken, "decoder.onnx"), "not a graph");
        StringAssert.Contains(await StartFails("--model", broken), "decoder.onnx");
    }
}
