using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeOnnx.Inference;

namespace VaeOnnx.Tests.Serving;

/// <summary>A conditional table pair in the service: each row's segment is its condition, and /synthesize draws rows of one segment or of all.</summary>
[TestClass]
public sealed class TableConditionServingTests
{
    private const string Rows = """
        [
          {"id": "S1", "segment": "gold", "channel": "store", "active": "yes", "spend": 200, "visits": 7},
          {"id": "S2", "segment": "bronze", "channel": "web", "active": false, "spend": null, "visits": 1},
          {"id": "S3", "segment": "silver", "channel": "web", "active": true, "spend": "95.5", "visits": 2},
          {"id": "S4", "segment": "bronze", "channel": "fax", "active": "no", "spend": 210, "visits": 9}
        ]
        """;

    private static VaeTableRows Expected(VaeModel model) => new(model.Table!,
        [new[] { "store", "web", "web", "fax" }, new[] { "yes", "no", "yes", "no" }, new[] { 200f, float.NaN, 95.5f, 210 }, new[] { 7f, 1, 2, 9 }],
        "segment", ["gold", "bronze", "silver", "bronze"]);

    private static readonly Lazy<ServiceFactory> Shared = new(() => new ServiceFactory(ServingTables.Segments));

    [ClassCleanup]
    public static void StopSharedService()
    {
        if (Shared.IsValueCreated) Shared.Value.Dispose();
    }

    [TestMethod]
    public async Task EachRowIsScoredWithItsOwnSegmentAndEchoesTheRecordedId()
    {
        var expected = TableScores.Of(ServingTables.Segments, Expected);
        using var client = Shared.Value.CreateClient();
        var results = (await ServingApiTests.PostAsync(client, "/score", $$"""{"rows": {{Rows}}}""")).GetProperty("results").EnumerateArray().ToArray();
        Assert.AreEqual(4, results.Length);
        CollectionAssert.AreEqual(new[] { "S1", "S2", "S3", "S4" }, results.Select(r => r.GetProperty("id").GetString()).ToArray(), "the pair's id column, as vae score writes it");
        for (int r = 0; r < 4; r++) TableServingTests.AssertResult(expected, r, results[r], "conditional");
        var otherSegments = TableScores.Of(ServingTables.Segments, m => { var rows = Expected(m); return new VaeTableRows(m.Table!, rows.Columns, "segment", ["silver", "gold", "bronze", "gold"]); });
        Assert.IsFalse(TableScores.Near(otherSegments.Score[0], results[0].GetProperty("score").GetSingle()), "the score reads the row's segment");

        var csv = "segment,channel,active,spend,visits\ngold,store,yes,200,7\nbronze,web,no,,1\nsilver,web,yes,95.5,2\nbronze,fax,no,210,9\n";
        var (status, text, _) = await TableServingTests.SendAsync(client, "/score", csv, "text/csv");
        Assert.AreEqual(HttpStatusCode.OK, status, text);
        var fromCsv = JsonDocument.Parse(text).RootElement.GetProperty("results").EnumerateArray().ToArray();
        for (int r = 0; r < 4; r++) TableServingTests.AssertResult(expected, r, fromCsv[r], "conditional csv");
        Assert.IsFalse(fromCsv[0].TryGetProperty("id", out _), "a header without the id column is scored without ids");
        var csvIds = "id,segment,channel,active,spend,visits\nS1,gold,store,yes,200,7\nS2,bronze,web,no,,1\nS3,silver,web,yes,95.5,2\nS4,bronze,fax,no,210,9\n";
        var (withIds, idsText, _) = await TableServingTests.SendAsync(client, "/score", csvIds, "text/csv");
        Assert.AreEqual(HttpStatusCode.OK, withIds, idsText);
        var csvResults = JsonDocument.Parse(idsText).RootElement.GetProperty("results").EnumerateArray().ToArray();
        CollectionAssert.AreEqual(new[] { "S1", "S2", "S3", "S4" }, csvResults.Select(r => r.GetProperty("id").GetString()).ToArray(), "the recorded id column of a CSV header");
        for (int r = 0; r < 4; r++) TableServingTests.AssertResult(expected, r, csvResults[r], "conditional csv with ids");
    }

    [TestMethod]
    [DataRow("""{"rows": [{"segment": "gold", "channel": "web", "active": "yes", "spend": 1, "visits": 1}, {"segment": "platinum", "channel": "web", "active": "yes", "spend": 1, "visits": 1}]}""",
        "rows[1], condition column 'segment': 'platinum' is not a category the model was trained on; expected one of bronze, gold, silver")]
    [DataRow("""{"rows": [{"segment": null, "channel": "web", "active": "yes", "spend": 1, "visits": 1}]}""",
        "rows[0], condition column 'segment': '' is not a category the model was trained on; expected one of bronze, gold, silver")]
    [DataRow("""{"rows": [{"channel": "web", "active": "yes", "spend": 1, "visits": 1}]}""",
        "rows[0] has no column 'segment'; every row gives channel, active, spend, visits and the condition 'segment' (one of bronze, gold, silver), null for a missing value")]
    public async Task AnUnknownOrMissingSegmentIsA400(string body, string reason)
    {
        using var client = Shared.Value.CreateClient();
        var problem = await ServingApiTests.PostAsync(client, "/score", body, HttpStatusCode.BadRequest);
        StringAssert.Contains(problem.GetProperty("detail").GetString(), reason);
    }

    [TestMethod]
    public async Task AnUnknownSegmentInCsvIsA400NamingTheLine()
    {
        using var client = Shared.Value.CreateClient();
        var (status, text, _) = await TableServingTests.SendAsync(client, "/score", "segment,channel,active,spend,visits\ngold,web,yes,1,1\nplatinum,web,yes,1,1\n", "text/csv");
        Assert.AreEqual(HttpStatusCode.BadRequest, status, text);
        StringAssert.Contains(text, "the CSV body: line 3, condition column 'segment': 'platinum' is not a category the model was trained on; expected one of bronze, gold, silver");
    }

    [TestMethod]
    public async Task SynthesizeDrawsOneSegmentOrAllInTheirProportions()
    {
        var model = VaeModel.Load(ServingTables.Segments);
        using var synthesizer = new VaeTableSynthesizer(model);
        using var client = Shared.Value.CreateClient();
        foreach (var (body, rows) in new[]
        {
            ("""{"count": 40, "seed": 3, "condition": {"segment": "gold"}}""", synthesizer.Sample(40, 3, "gold")),
            ("""{"count": 40, "seed": 3}""", synthesizer.Sample(40, 3)),
        })
        {
            var json = (await ServingApiTests.PostAsync(client, "/synthesize", body)).GetProperty("rows").EnumerateArray().ToArray();
            Assert.AreEqual(40, json.Length);
            for (int r = 0; r < 40; r++)
            {
                CollectionAssert.AreEqual(rows.ColumnNames.ToArray(), json[r].EnumerateObject().Select(p => p.Name).ToArray(), "the columns, the segment last");
                for (int j = 0; j < rows.ColumnNames.Count; j++)
                {
                    var cell = json[r].GetProperty(rows.ColumnNames[j]);
                    Assert.AreEqual(rows.Cell(r, j), cell.ValueKind switch { JsonValueKind.Null => "", JsonValueKind.String => cell.GetString(), _ => cell.GetRawText() }, $"{body}: row {r}, {rows.ColumnNames[j]}");
                }
            }
        }
        Assert.IsTrue(synthesizer.Sample(40, 3, "gold").Conditions!.All(c => c == "gold"));
        var problem = await ServingApiTests.PostAsync(client, "/synthesize", """{"count": 2, "condition": {"segment": "platinum"}}""", HttpStatusCode.BadRequest);
        StringAssert.Contains(problem.GetProperty("detail").GetString(), "'condition', column 'segment': 'platinum' is not a category the model was trained on; expected one of bronze, gold, silver");
        var wrongColumn = await ServingApiTests.PostAsync(client, "/synthesize", """{"count": 2, "condition": {"tier": "gold"}}""", HttpStatusCode.BadRequest);
        StringAssert.Contains(wrongColumn.GetProperty("detail").GetString(), "'condition' names column 'tier'; the pair is conditioned on 'segment'");

        var doc = await client.GetFromJsonAsync<JsonElement>("/model");
        var condition = doc.GetProperty("table").GetProperty("condition");
        Assert.AreEqual("segment", condition.GetProperty("column").GetString());
        CollectionAssert.AreEqual(new[] { "id" }, doc.GetProperty("table").GetProperty("id_columns").EnumerateArray().Select(c => c.GetString()).ToArray());
        CollectionAssert.AreEqual(new[] { "bronze", "gold", "silver" }, condition.GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ToArray());
        Assert.AreEqual(1.0, condition.GetProperty("proportions").EnumerateArray().Sum(p => p.GetDouble()), 1e-9);
    }
}
