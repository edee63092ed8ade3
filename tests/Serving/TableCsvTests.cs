using System.Net;
using System.Text;
using VaeOnnx.Inference;
using VaeOnnx.Tables;
using VaeOnnx.Tests.Tables;

namespace VaeOnnx.Tests.Serving;

/// <summary>CSV rows to a table pair: read, scored and answered block by block, with the numbers of the in-process transform and errors naming the body's lines.</summary>
[TestClass]
public sealed class TableCsvTests
{
    /// <summary><see cref="TableServingTests.Rows"/> as a CSV file (CRLF, a quoted cell, padding).</summary>
    private const string Rows = "id,city,vip,age,amount,visits\r\nC1,Paris,yes,45.5,135.20,5\r\n2,\"Rome\",no,31,,1\r\nC3,Atlantis,YES,30,NA,2\r\nC4, Berlin ,no,80,900,0\r\n";

    private static readonly Lazy<ServiceFactory> Shared = new(() => new ServiceFactory(ServingTables.Customers));

    [ClassCleanup]
    public static void StopSharedService()
    {
        if (Shared.IsValueCreated) Shared.Value.Dispose();
    }

    [TestMethod]
    public async Task CsvRowsScoreLikeJsonRowsInCsvOrJson()
    {
        var expected = TableScores.Of(ServingTables.Customers, TableServingTests.Expected);
        using var client = Shared.Value.CreateClient();
        var (status, csv, type) = await TableServingTests.SendAsync(client, "/score?id=id", Rows, "text/csv", accept: "text/csv");
        Assert.AreEqual(HttpStatusCode.OK, status, csv);
        Assert.AreEqual("text/csv", type);
        TableServingTests.AssertCsv(expected, csv, ["C1", "2", "C3", "C4"]);

        var (jsonStatus, json, jsonType) = await TableServingTests.SendAsync(client, "/score?top=1", Rows, "text/csv");
        Assert.AreEqual(HttpStatusCode.OK, jsonStatus, json);
        Assert.AreEqual("application/json", jsonType);
        var results = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.AreEqual(4, results.Length);
        for (int r = 0; r < 4; r++)
        {
            TableServingTests.AssertResult(expected, r, results[r], "csv in, json out");
            Assert.AreEqual(1, results[r].GetProperty("contributions").EnumerateObject().Count(), "top=1");
        }
    }

    [TestMethod]
    public async Task ALargeUploadIsScoredBlockByBlockWithTheFilesNumbers()
    {
        var folder = RepoPaths.NewTempFolder("serving-csv");
        var path = TableFiles.Customers(folder, rows: 3000, seed: 5); // about 90,000 characters: several reads, with a BOM and CRLF
        var table = RawTableReader.Read(path);
        var expected = TableScores.Of(ServingTables.Customers, m => new VaeTableRows(m.Table!, new TableFeaturizer(m.Table!).GraphInputs(table)));
        using var factory = new ServiceFactory(ServingTables.Customers, ("Vae:BlockSize", "256"));
        using var client = factory.CreateClient();
        using var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new("text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/score?id=id") { Content = content };
        request.Headers.Accept.Add(new("text/csv"));
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, text);
        TableServingTests.AssertCsv(expected, text, table.Rows.Select(r => r[0]).ToArray()); // every row once, in order, with its id
        var metrics = await client.GetStringAsync("/metrics");
        StringAssert.Contains(metrics, "\"rows\":3000");
    }

    [TestMethod]
    [DataRow("id,city,vip,age,amount,visits\nC1,Paris,yes,45,1,1\nC2,Paris,yes,old,1,1\n", "the CSV body: line 3, column 'age': 'old' is not a number; expected numeric values like 1.5")]
    [DataRow("id,city,vip,age,amount\nC1,Paris,yes,45,1\n", "the CSV body: the header has no column 'visits'; the model takes city, vip, age, amount, visits")]
    [DataRow("customer,city,vip,age,amount,visits\nC1,Paris,yes,45,1,1\n", "the CSV body: the header has an unknown column 'customer'")]
    [DataRow("id,city,vip,age,amount,visits\nC1,Paris,yes,45,1\n", "the CSV body: line 2: 5 fields; expected 6 as in the header")]
    [DataRow("id,city,vip,age,amount,visits\nC1,\"Paris,yes,45,1,1\n", "the CSV body: line 2: a quoted cell is never closed")]
    [DataRow("", "the CSV body: empty file; expected a header row")]
    public async Task BadCsvIsA400NamingTheLine(string body, string reason)
    {
        using var client = Shared.Value.CreateClient();
        var (status, text, _) = await TableServingTests.SendAsync(client, "/score", body, "text/csv", accept: "text/csv");
        Assert.AreEqual(HttpStatusCode.BadRequest, status, text);
        StringAssert.Contains(text, reason);
    }

    [TestMethod]
    public async Task ABadRowAfterTheFirstBlockCutsTheAnswer()
    {
        using var factory = new ServiceFactory(ServingTables.Customers, ("Vae:BlockSize", "2"));
        using var client = factory.CreateClient();
        var body = "id,city,vip,age,amount,visits\n" + string.Concat(Enumerable.Range(0, 6).Select(i => $"C{i},Paris,yes,{(i == 4 ? "old" : "45")},1,1\n"));
        using var content = new StringContent(body, Encoding.UTF8, "text/csv");
        var cut = await Assert.ThrowsAsync<Exception>(async () =>
        {
            using var response = await client.PostAsync("/score", content);
            await response.Content.ReadAsStringAsync();
        }, "a complete-looking answer would hide the refused row");
        Assert.IsNotNull(cut);
        var metrics = await client.GetStringAsync("/metrics");
        StringAssert.Contains(metrics, "\"errors\":1");
    }

    [TestMethod]
    public async Task CsvToAVectorPairIs415()
    {
        using var factory = new ServiceFactory(ServingFolders.CopyOf(ServingFolders.SensorsA));
        using var client = factory.CreateClient();
        var (status, text, _) = await TableServingTests.SendAsync(client, "/score", "temp,pressure\n1,2\n", "text/csv");
        Assert.AreEqual(HttpStatusCode.UnsupportedMediaType, status, text);
        StringAssert.Contains(text, "is not a table pair: CSV rows are scored by table pairs");
    }
}
