using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VaeOnnx.Inference;

namespace VaeOnnx.Tests.Serving;

/// <summary>A table pair in the service: /score and /synthesize give the in-process transform's and synthesizer's numbers, and every bad cell is a 400 naming its row and column.</summary>
[TestClass]
public sealed class TableServingTests
{
    private static readonly string[] Columns = ["city", "vip", "age", "amount", "visits"];

    /// <summary>Every way a client may give a cell: text for numbers, JSON booleans for flags, null and "NA" for blanks, an unseen city, keys in any order, an id column.</summary>
    internal const string Rows = """
        [
          {"id": "C1", "city": "Paris", "vip": true, "age": 45.5, "amount": "135.20", "visits": 5},
          {"visits": 1, "amount": null, "age": "31", "vip": "no", "city": "Rome", "id": 2},
          {"id": "C3", "city": "Atlantis", "vip": "YES", "age": 30, "amount": "NA", "visits": "2"},
          {"id": "C4", "city": " Berlin ", "vip": false, "age": 80, "amount": 900, "visits": 0}
        ]
        """;

    /// <summary><see cref="Rows"/> as the CLI would read them from a file.</summary>
    internal static VaeTableRows Expected(VaeModel model) => new(model.Table!,
        [new[] { "Paris", "Rome", "Atlantis", "Berlin" }, new[] { "yes", "no", "YES", "no" }, new[] { 45.5f, 31, 30, 80 }, new[] { 135.2f, float.NaN, float.NaN, 900 }, new[] { 5f, 1, 2, 0 }]);

    private static readonly Lazy<ServiceFactory> Shared = new(() => new ServiceFactory(ServingTables.Customers));

    [ClassCleanup]
    public static void StopSharedService()
    {
        if (Shared.IsValueCreated) Shared.Value.Dispose();
    }

    internal static async Task<(HttpStatusCode Status, string Text, string? Type)> SendAsync(HttpClient client, string path, string body, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (accept is not null) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Checks one result object against row <paramref name="r"/> of <paramref name="expected"/>.</summary>
    internal static void AssertResult(TableScores expected, int r, JsonElement result, string what)
    {
        Assert.IsTrue(TableScores.Near(expected.Score[r], result.GetProperty("score").GetSingle()), $"{what} row {r}: score {result.GetProperty("score")} vs {expected.Score[r]}");
        Assert.IsTrue(TableScores.Near(expected.Recon[r], result.GetProperty("recon").GetSingle()), $"{what} row {r}: recon");
        Assert.IsTrue(TableScores.Near(expected.Kl[r], result.GetProperty("kl").GetSingle()), $"{what} row {r}: kl");
        Assert.AreEqual(expected.IsAnomaly[r], result.GetProperty("is_anomaly").GetBoolean(), $"{what} row {r}: is_anomaly");
    }

    [TestMethod]
    public async Task ScoreEqualsTheInProcessTransformAndEchoesTheId()
    {
        var expected = TableScores.Of(ServingTables.Customers, Expected);
        var threshold = VaeModel.Load(ServingTables.Customers).Table!.Threshold!.Score;
        using var client = Shared.Value.CreateClient();
        var answer = await ServingApiTests.PostAsync(client, "/score", $$"""{"rows": {{Rows}}, "id": "id"}""");
        Assert.AreEqual(expected.PairId, answer.GetProperty("pair_id").GetString());
        var results = answer.GetProperty("results").EnumerateArray().ToArray();
        Assert.AreEqual(4, results.Length);
        CollectionAssert.AreEqual(new[] { "\"C1\"", "2", "\"C3\"", "\"C4\"" }, results.Select(r => r.GetProperty("id").GetRawText()).ToArray(), "ids echoed as sent");
        for (int r = 0; r < 4; r++)
        {
            AssertResult(expected, r, results[r], "json");
            Assert.AreEqual(expected.Score[r] >= threshold, results[r].GetProperty("is_anomaly").GetBoolean(), "the pair's own threshold");
            var contributions = results[r].GetProperty("contributions").EnumerateObject().ToArray();
            CollectionAssert.AreEqual(Columns, contributions.Select(c => c.Name).ToArray(), "every column, in column order");
            for (int j = 0; j < Columns.Length; j++)
                Assert.IsTrue(TableScores.Near(expected.Contributions[r][j], contributions[j].Value.GetSingle()), $"row {r}, {Columns[j]}");
        }
        var city = results[2].GetProperty("contributions").EnumerateObject().MaxBy(c => c.Value.GetSingle());
        Assert.AreEqual("city", city.Name, "the unseen city is scored as unknown, not refused: the row's top column");
        Assert.IsTrue(results[2].GetProperty("is_anomaly").GetBoolean(), "and the row is flagged");

        var top = (await ServingApiTests.PostAsync(client, "/score", $$"""{"top": 2, "rows": {{Rows}}}""")).GetProperty("results").EnumerateArray().ToArray();
        for (int r = 0; r < 4; r++)
        {
            Assert.IsFalse(top[r].TryGetProperty("id", out _), "no id asked, none echoed (the ignored id column is dropped)");
            var kept = top[r].GetProperty("contributions").EnumerateObject().ToArray();
            var largest = Enumerable.Range(0, Columns.Length).OrderByDescending(j => expected.Contributions[r][j]).Take(2).ToArray();
            CollectionAssert.AreEqual(largest.Select(j => Columns[j]).ToArray(), kept.Select(c => c.Name).ToArray(), $"row {r}: the two largest, largest first");
            Assert.IsTrue(TableScores.Near(expected.Contributions[r][largest[0]], kept[0].Value.GetSingle()));
        }
    }

    [TestMethod]
    public async Task ScoresAnswerAsCsvWhenAsked()
    {
        var expected = TableScores.Of(ServingTables.Customers, Expected);
        using var client = Shared.Value.CreateClient();
        var (status, text, type) = await SendAsync(client, "/score", $$"""{"rows": {{Rows}}, "id": "id"}""", accept: "text/csv");
        Assert.AreEqual(HttpStatusCode.OK, status, text);
        Assert.AreEqual("text/csv", type);
        AssertCsv(expected, text, ["C1", "2", "C3", "C4"]);
    }

    /// <summary>Checks a CSV answer ([id,]score,recon,kl,is_anomaly,contrib.&lt;column&gt;...) against <paramref name="expected"/>.</summary>
    internal static void AssertCsv(TableScores expected, string text, string[]? ids)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = (ids is null ? "" : "id,") + "score,recon,kl,is_anomaly," + string.Join(",", Columns.Select(c => "contrib." + c));
        Assert.AreEqual(header, lines[0]);
        Assert.AreEqual(expected.Score.Length, lines.Length - 1, "one line per row");
        for (int i = 1; i < lines.Length; i++)
        {
            int r = i - 1;
            var cells = lines[i].Split(',');
            int c = 0;
            if (ids is not null) Assert.AreEqual(ids[r], cells[c++]);
            float F(int k) => float.Parse(cells[k], CultureInfo.InvariantCulture);
            Assert.IsTrue(TableScores.Near(expected.Score[r], F(c)) && TableScores.Near(expected.Recon[r], F(c + 1)) && TableScores.Near(expected.Kl[r], F(c + 2)), $"csv row {r}: {lines[i]}");
            Assert.AreEqual(expected.IsAnomaly[r] ? "true" : "false", cells[c + 3]);
            for (int j = 0; j < Columns.Length; j++) Assert.IsTrue(TableScores.Near(expected.Contributions[r][j], F(c + 4 + j)), $"csv row {r}, {Columns[j]}");
        }
    }

    [TestMethod]
    public async Task SynthesizeGivesTheSynthesizersRowsInTheFilesSpellings()
    {
        var model = VaeModel.Load(ServingTables.Customers);
        using var synthesizer = new VaeTableSynthesizer(model);
        var rows = synthesizer.Sample(60, 4);
        using var client = Shared.Value.CreateClient();
        var answer = await ServingApiTests.PostAsync(client, "/synthesize", """{"count": 60, "seed": 4}""");
        Assert.AreEqual(model.PairId, answer.GetProperty("pair_id").GetString());
        var json = answer.GetProperty("rows").EnumerateArray().ToArray();
        Assert.AreEqual(60, json.Length);
        for (int r = 0; r < 60; r++)
        {
            CollectionAssert.AreEqual(Columns, json[r].EnumerateObject().Select(p => p.Name).ToArray());
            for (int j = 0; j < Columns.Length; j++)
            {
                var cell = json[r].GetProperty(Columns[j]);
                var text = cell.ValueKind switch { JsonValueKind.Null => "", JsonValueKind.String => cell.GetString(), _ => cell.GetRawText() };
                Assert.AreEqual(rows.Cell(r, j), text, $"row {r}, {Columns[j]}");
                if (j >= 2 && text != "") Assert.AreEqual(JsonValueKind.Number, cell.ValueKind, "numbers as JSON numbers");
            }
        }
        Assert.IsTrue(json.Any(r => r.GetProperty("vip").GetString() == "yes"), "flags in the file's spelling");

        var (status, csv, type) = await SendAsync(client, "/synthesize", """{"count": 60, "seed": 4}""", accept: "text/csv");
        Assert.AreEqual(HttpStatusCode.OK, status, csv);
        Assert.AreEqual("text/csv", type);
        var expected = new StringBuilder("city,vip,age,amount,visits\n");
        for (int r = 0; r < 60; r++) expected.AppendJoin(',', Enumerable.Range(0, 5).Select(j => rows.Cell(r, j))).Append('\n');
        Assert.AreEqual(expected.ToString(), csv);
    }

    [TestMethod]
    public async Task SynthesizeCanBeTurnedOff()
    {
        using var factory = new ServiceFactory(ServingTables.Customers, ("Vae:EnableSynthesize", "false"));
        using var client = factory.CreateClient();
        var problem = await ServingApiTests.PostAsync(client, "/synthesize", """{"count": 5}""", HttpStatusCode.Forbidden);
        StringAssert.Contains(problem.GetProperty("detail").GetString(), "synthesis is turned off on this service (Vae:EnableSynthesize is false)");
        Assert.AreEqual(4, (await ServingApiTests.PostAsync(client, "/score", $$"""{"rows": {{Rows}}}""")).GetProperty("results").GetArrayLength(), "scoring still answers");
    }

    [TestMethod]
    public async Task ModelDescribesTheTableSchema()
    {
        var model = VaeModel.Load(ServingTables.Customers);
        using var client = Shared.Value.CreateClient();
        var doc = await client.GetFromJsonAsync<JsonElement>("/model");
        Assert.AreEqual(model.PairId, doc.GetProperty("pair_id").GetString());
        var table = doc.GetProperty("table");
        var columns = table.GetProperty("columns").EnumerateArray().ToArray();
        CollectionAssert.AreEqual(Columns, columns.Select(c => c.GetProperty("name").GetString()).ToArray());
        CollectionAssert.AreEqual(new[] { "categorical", "boolean", "numeric", "numeric", "integer" }, columns.Select(c => c.GetProperty("kind").GetString()).ToArray());
        CollectionAssert.AreEqual(new[] { "Berlin", "Paris", "Rome" }, columns[0].GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ToArray());
        Assert.AreEqual("yes", columns[1].GetProperty("true_text").GetString());
        Assert.IsTrue(columns[3].GetProperty("has_missing").GetBoolean(), "amount had blank cells");
        Assert.AreEqual(model.Table!.Threshold!.Score, table.GetProperty("threshold").GetProperty("score").GetSingle());
        Assert.AreEqual(0.05, table.GetProperty("threshold").GetProperty("false_alarm_rate").GetDouble());
        Assert.AreEqual(JsonValueKind.Null, table.GetProperty("condition").ValueKind);
        CollectionAssert.AreEqual(new[] { "id" }, table.GetProperty("ignored_columns").EnumerateArray().Select(c => c.GetString()).ToArray());
        CollectionAssert.AreEqual(new[] { "categorical", "boolean", "numeric", "numeric", "integer" },
            doc.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("kind").GetString()).ToArray(), "features are the columns");
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var openApi = document.GetProperty("paths");
        Assert.IsTrue(openApi.GetProperty("/synthesize").GetProperty("post").TryGetProperty("requestBody", out _), "/synthesize is documented");
        Assert.IsTrue(openApi.GetProperty("/score").GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("text/csv", out _), "CSV rows are documented");
        // The served pair's row object: one property per column, typed as the service accepts it, every column required.
        var row = document.GetProperty("components").GetProperty("schemas").GetProperty("TableRow");
        var properties = row.GetProperty("properties").EnumerateObject().ToArray();
        CollectionAssert.AreEqual(Columns, properties.Select(p => p.Name).ToArray());
        string[] Types(JsonElement property) => [.. property.GetProperty("type").EnumerateArray().Select(t => t.GetString()!).Order()];
        CollectionAssert.AreEqual(new[] { "null", "string" }, Types(properties[0].Value), "city: a category or a blank");
        CollectionAssert.AreEqual(new[] { "boolean", "null", "string" }, Types(properties[1].Value), "vip: true/false or the file's spellings");
        CollectionAssert.AreEqual(new[] { "null", "number", "string" }, Types(properties[2].Value), "age: a number or its text");
        StringAssert.Contains(properties[0].Value.GetProperty("description").GetString(), "Berlin, Paris, Rome");
        CollectionAssert.AreEquivalent(Columns, row.GetProperty("required").EnumerateArray().Select(c => c.GetString()).ToArray());
        StringAssert.Contains(row.GetProperty("description").GetString(), model.PairId);
    }

    [TestMethod]
    [DataRow("/score", """{"rows": [{"city": "Paris", "vip": "yes", "age": 40, "amount": 1, "visits": 1}, {"city": "Paris", "vip": "yes", "age": "old", "amount": 1, "visits": 1}]}""",
        "rows[1], column 'age': 'old' is not a number; expected numeric values like 1.5")]
    [DataRow("/score", """{"rows": [{"city": "Paris", "vip": "yes", "age": 40, "amount": 1}]}""", "rows[0] has no column 'visits'; every row gives city, vip, age, amount, visits, null for a missing value")]
    [DataRow("/score", """{"rows": [{"city": {"name": "Paris"}, "vip": "yes", "age": 40, "amount": 1, "visits": 1}]}""", "rows[0], column 'city': an object; expected a string, a number, a boolean or null")]
    [DataRow("/score", """{"rows": [{"city": "Paris", "vip": "yes", "age": 40, "amount": [1, 2], "visits": 1}]}""", "rows[0], column 'amount': an array; expected a string, a number, a boolean or null")]
    [DataRow("/score", """{"rows": [{"city": "Paris", "vip": "yes", "age": true, "amount": 1, "visits": 1}]}""", "rows[0], column 'age': true is a boolean; expected numeric values")]
    [DataRow("/score", """{"rows": [{"city": "Paris", "vip": "yes", "age": 1e39, "amount": 1, "visits": 1}]}""", "rows[0], column 'age': '1e39' is outside the float32 range")]
    [DataRow("/score", """{"rows": [{"city": "Paris", "vip": "yes", "age": 40, "amount": 1e400, "visits": 1}]}""", "rows[0], column 'amount': '1e400' is outside the float32 range")]
    [DataRow("/score", """{"rows": [{"country": "DE", "city": "Paris", "vip": "yes", "age": 40, "amount": 1, "visits": 1}]}""", "rows[0] has an unknown column 'country'; the model takes city, vip, age, amount, visits")]
    [DataRow("/score", """{"rows": [{"city": "Paris", "vip": "yes", "age": 40, "age": 41, "amount": 1, "visits": 1}]}""", "rows[0] gives column 'age' twice")]
    [DataRow("/score", """{"id": "customer_id", "rows": [{"city": "Paris", "vip": "yes", "age": 40, "amount": 1, "visits": 1}]}""", "rows[0] has no id column 'customer_id'")]
    [DataRow("/score", """{"rows": [["Paris", "yes", 40, 1, 1]]}""", "rows[0] is an array; expected an object keyed by column name")]
    [DataRow("/score", """{"rows": [], "top": 6}""", "'top' is 6; expected a whole number from 1 to 5")]
    [DataRow("/score", """{"rows": [], "id": 3}""", "'id' is 3; expected the name of the column to echo")]
    [DataRow("/score", """{"rows": [], "row": 1}""", "unknown property 'row'")]
    [DataRow("/score", """{"rows": [{"city": "Paris"}""", "invalid JSON")]
    [DataRow("/score", "", "the body is empty")]
    [DataRow("/encode", """{"rows": []}""", "is a table pair: it serves /score (rows keyed by column name) and /synthesize; /encode takes the vectors")]
    [DataRow("/sample", """{"count": 2}""", "is a table pair: it serves /score")]
    [DataRow("/synthesize", """{"count": 0}""", "'count' is 0; expected a whole number from 1 to 10000")]
    [DataRow("/synthesize", """{"count": 2, "condition": {"segment": "gold"}}""", "'condition' is given, but the pair was trained without a condition")]
    [DataRow("/synthesize", """{"count": 2, "n": 1}""", "unknown property 'n'")]
    public async Task BadRequestsAre400NamingTheRowAndColumn(string path, string body, string reason)
    {
        using var client = Shared.Value.CreateClient();
        var problem = await ServingApiTests.PostAsync(client, path, body, HttpStatusCode.BadRequest);
        StringAssert.Contains(problem.GetProperty("detail").GetString(), reason);
    }

    [TestMethod]
    public async Task BinaryRowsToATablePairAre415()
    {
        using var client = Shared.Value.CreateClient();
        using var content = new ByteArrayContent(new byte[20]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.PostAsync("/score", content);
        Assert.AreEqual(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        StringAssert.Contains(await response.Content.ReadAsStringAsync(), "is a table pair: send its rows keyed by column name as JSON, or as CSV (text/csv), not as float32");
    }

    [TestMethod]
    public async Task TooManyRowsIsA400AndTooLargeABodyA413()
    {
        using var factory = new ServiceFactory(ServingTables.Customers, ("Vae:MaxRowsPerRequest", "3"), ("Vae:MaxRequestBytes", "400"));
        using var client = factory.CreateClient();
        const string row = """{"city": "Paris", "vip": "yes", "age": 40, "amount": 1, "visits": 1}""";
        var tooMany = await ServingApiTests.PostAsync(client, "/score", $$"""{"rows": [{{row}}, {{row}}, {{row}}, {{row}}]}""", HttpStatusCode.BadRequest);
        StringAssert.Contains(tooMany.GetProperty("detail").GetString(), "more than 3 rows; send at most 3 per request");
        var tooLarge = await ServingApiTests.PostAsync(client, "/score", $$"""{"rows": [{{string.Join(",", Enumerable.Repeat(row, 6))}}]}""", HttpStatusCode.RequestEntityTooLarge);
        StringAssert.Contains(tooLarge.GetProperty("detail").GetString(), "larger than 400 bytes");
        Assert.AreEqual(3, (await ServingApiTests.PostAsync(client, "/score", $$"""{"rows": [{{row}}, {{row}}, {{row}}]}""")).GetProperty("results").GetArrayLength());
    }
}
