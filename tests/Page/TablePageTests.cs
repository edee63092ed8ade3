using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Serving;
using VaeOnnx.Tests.Tables;
using static Microsoft.Playwright.Assertions;

namespace VaeOnnx.Tests.Page;

/// <summary>
/// The page at GET / on table pairs, in chromium: the model card, a scored upload with a planted anomaly, synthesis with
/// its download and histograms, a hot swap while the page is open, a malformed CSV, an API key, a phone-width screen.
/// The figures on the page are checked against the service's own answers to the same requests.
/// </summary>
[TestClass]
public sealed class TablePageTests
{
    private static PageBrowser _browser = null!;

    /// <summary>The planted row: a bronze customer spending 5,000 (the segment's spend is 30, sd 10).</summary>
    private const string Planted = "P99999,bronze,web,yes,5000,2";

    [ClassInitialize]
    public static async Task Launch(TestContext _) => _browser = await PageBrowser.LaunchAsync();

    [ClassCleanup]
    public static async Task Close() => await _browser.DisposeAsync();

    [TestMethod]
    public async Task APlantedAnomalyLeadsTheTableWithItsTopFieldAndTheDownloadIsTheServicesCsv()
    {
        await using var service = await PageService.StartAsync(ServingTables.Segments);
        var page = await _browser.OpenAsync(service.Address);
        await Expect(page.GetByTestId("pair-id")).ToHaveTextAsync(VaeModel.Load(ServingTables.Segments).PairId);
        await Expect(page.GetByTestId("model-columns").Locator("tbody tr")).ToHaveCountAsync(4); // channel, active, spend, visits

        var csv = UploadWithPlantedRow(out string path);
        await page.Locator("#score-file").SetInputFilesAsync(path);
        var rows = page.GetByTestId("anomaly-row");
        await Expect(rows).ToHaveCountAsync(50); // the first page of 301 rows
        var first = rows.First;
        await Expect(first.GetByTestId("row-id")).ToHaveTextAsync("P99999");
        await Expect(first.GetByTestId("top-field")).ToHaveTextAsync("spend");
        await Expect(first.GetByTestId("row-anomaly")).ToHaveTextAsync("true");
        await Expect(page.GetByTestId("score-summary")).ToContainTextAsync("scores.csv: 301 rows scored");

        await first.GetByRole(AriaRole.Button).PressAsync("Enter"); // the keyboard opens the bar chart
        var chart = page.GetByTestId("contribution-chart");
        await Expect(chart.Locator("rect")).ToHaveCountAsync(4);
        await Expect(chart.Locator("text").First).ToHaveTextAsync("spend");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PageBrowser.Screenshots, "table-scored.png") });

        var downloaded = await PageBrowser.DownloadAsync(page, "score-download");
        Assert.AreEqual(await PostCsvAsync(service, "/score", csv, "text/csv"), downloaded);
        var scores = downloaded.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToArray();
        var top = scores.MaxBy(s => double.Parse(s[1], System.Globalization.CultureInfo.InvariantCulture))!;
        Assert.AreEqual("P99999", top[0], "the service also ranks the planted row first");
        AssertShown(double.Parse(top[1], System.Globalization.CultureInfo.InvariantCulture), await first.GetByTestId("row-score").TextContentAsync());
    }

    [TestMethod]
    public async Task SynthesisShowsRowsOfTheChosenConditionDownloadsTheServicesCsvAndComparesWithRealRows()
    {
        await using var service = await PageService.StartAsync(ServingTables.Segments);
        var page = await _browser.OpenAsync(service.Address);
        UploadWithPlantedRow(out string path);
        await page.Locator("#score-file").SetInputFilesAsync(path);
        await Expect(page.GetByTestId("anomaly-row").First).ToBeVisibleAsync();

        await page.GetByLabel("Rows", new() { Exact = true }).FillAsync("150");
        await page.GetByLabel("Seed", new() { Exact = true }).First.FillAsync("7");
        await page.Locator("#synth").GetByLabel("Condition").SelectOptionAsync("gold");
        await page.GetByRole(AriaRole.Button, new() { Name = "Synthesize" }).ClickAsync();
        var preview = page.GetByTestId("synth-table");
        await Expect(preview.Locator("tbody tr")).ToHaveCountAsync(20);
        // segment and the four features: one histogram each, real against synthetic.
        await Expect(page.GetByTestId("histogram")).ToHaveCountAsync(5);

        var downloaded = await PageBrowser.DownloadAsync(page, "synth-download");
        var expected = await PostCsvAsync(service, "/synthesize", """{"count": 150, "seed": 7, "condition": {"segment": "gold"}}""", "application/json");
        Assert.AreEqual(expected, downloaded);
        var lines = downloaded.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(151, lines.Length);
        int segment = Array.IndexOf(lines[0].TrimEnd('\r').Split(','), "segment");
        Assert.IsTrue(lines.Skip(1).All(l => l.Split(',')[segment] == "gold"), "every row has the condition asked for");
        await page.GetByTestId("synth-charts").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PageBrowser.Screenshots, "table-synthesized.png") });
    }

    [TestMethod]
    public async Task TheCardFollowsAHotSwapWhileThePageIsOpen()
    {
        var folder = ServingFolders.CopyOf(ServingTables.Segments);
        await using var service = await PageService.StartAsync(folder);
        var page = await _browser.OpenAsync(service.Address);
        await Expect(page.GetByTestId("pair-id")).ToHaveTextAsync(VaeModel.Load(ServingTables.Segments).PairId);
        await Expect(page.Locator("#synth").GetByLabel("Condition")).ToBeAttachedAsync();

        ServingFolders.Swap(ServingTables.Customers, folder);
        var swapped = VaeModel.Load(ServingTables.Customers).PairId;
        await Expect(page.GetByTestId("pair-id")).ToHaveTextAsync(swapped);
        await Expect(page.GetByTestId("swap-note")).ToContainTextAsync($"swapped in pair {swapped}");
        // The customers pair: city, vip, age, amount, visits, and no condition to choose.
        await Expect(page.GetByTestId("model-columns").Locator("tbody tr")).ToHaveCountAsync(5);
        await Expect(page.Locator("#synth-condition-box")).ToBeHiddenAsync();
        Assert.AreEqual(swapped, service.Host.CurrentPairId);
    }

    [TestMethod]
    public async Task AMalformedCsvIsShownAsTheServicesLineAndColumn()
    {
        await using var service = await PageService.StartAsync(ServingTables.Segments);
        var page = await _browser.OpenAsync(service.Address);
        await Expect(page.GetByTestId("pair-id")).ToHaveTextAsync(VaeModel.Load(ServingTables.Segments).PairId);
        var folder = RepoPaths.NewTempFolder("page-bad");
        var text = "id,segment,channel,active,spend,visits\nC1,gold,store,yes,210.5,7\nC2,bronze,web,no,lots,2\n";
        await page.Locator("#score-file").SetInputFilesAsync(TableFiles.Write(folder, "bad.csv", text));
        await Expect(page.GetByTestId("score-error")).ToHaveTextAsync("bad.csv: line 3, column 'spend': 'lots' is not a number; expected numeric values like 1.5 (or a blank cell for a missing one)");
        await Expect(page.GetByTestId("anomaly-row")).ToHaveCountAsync(0);

        // This one is dropped on the drop zone, as a file dragged from the desktop would be.
        await page.EvaluateAsync("""
            text => {
                const files = new DataTransfer();
                files.items.add(new File([text], "short.csv", { type: "text/csv" }));
                document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true, cancelable: true }));
            }
            """, "id,segment,channel,active,spend,visits\nC1,gold,store,yes\n");
        await Expect(page.GetByTestId("score-error")).ToHaveTextAsync("short.csv: line 2: 4 fields; expected 6 as in the header");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PageBrowser.Screenshots, "table-malformed.png") });
    }

    [TestMethod]
    public async Task ABadRowPastTheFirstBlockIsNamedByItsLineInTheWholeFile()
    {
        // Blocks of 16 rows: the service answers rows 1-32, then cuts its answer off at the block holding data row 40 (line 41).
        await using var service = await PageService.StartAsync(ServingTables.Segments, "--Vae:BlockSize", "16");
        var page = await _browser.OpenAsync(service.Address);
        await Expect(page.GetByTestId("pair-id")).ToHaveTextAsync(VaeModel.Load(ServingTables.Segments).PairId);
        var folder = RepoPaths.NewTempFolder("page-cut");
        var lines = File.ReadAllLines(TableFiles.SegmentedCustomers(folder, 100, seed: 6, name: "rows.csv"));
        lines[40] = "C00039,silver,web,no,lots,3";
        await page.Locator("#score-file").SetInputFilesAsync(TableFiles.Write(folder, "cut.csv", string.Join("\n", lines) + "\n"));
        await Expect(page.GetByTestId("score-error")).ToHaveTextAsync(
            "cut.csv: line 41, column 'spend': 'lots' is not a number; expected numeric values like 1.5 (or a blank cell for a missing one) (the service had cut its answer off there; fix the row and upload the file again)");
        await Expect(page.GetByTestId("anomaly-row")).ToHaveCountAsync(0);
    }

    [TestMethod]
    public async Task WithApiKeysThePageAsksForOneAndWorksOnceItIsTyped()
    {
        await using var service = await PageService.StartAsync(ServingTables.Segments, "--Vae:ApiKeys:0", "page-test-key");
        var page = await _browser.OpenAsync(service.Address);
        await Expect(page.GetByTestId("page-error")).ToContainTextAsync("The service needs an API key (401");
        await page.GetByLabel("API key").FillAsync("page-test-key");
        await page.GetByLabel("API key").PressAsync("Enter");
        await Expect(page.GetByTestId("pair-id")).ToHaveTextAsync(VaeModel.Load(ServingTables.Segments).PairId);
        await Expect(page.GetByTestId("page-error")).ToBeHiddenAsync();
    }

    [TestMethod]
    public async Task AtPhoneWidthNothingIsWiderThanTheScreen()
    {
        await using var service = await PageService.StartAsync(ServingTables.Segments);
        var page = await _browser.OpenAsync(service.Address, 390, 844);
        UploadWithPlantedRow(out string path);
        await page.Locator("#score-file").SetInputFilesAsync(path);
        await Expect(page.GetByTestId("anomaly-row").First.GetByTestId("top-field")).ToHaveTextAsync("spend");
        Assert.AreEqual(390, await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), "the page scrolls sideways");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PageBrowser.Screenshots, "table-phone.png"), FullPage = true });
    }

    /// <summary>300 rows of the segments table and the planted row, as scores.csv; returns the text.</summary>
    private static string UploadWithPlantedRow(out string path)
    {
        var folder = RepoPaths.NewTempFolder("page-upload");
        var text = File.ReadAllText(TableFiles.SegmentedCustomers(folder, 300, seed: 5, name: "rows.csv")) + Planted + "\n";
        path = TableFiles.Write(folder, "scores.csv", text);
        return text;
    }

    private static async Task<string> PostCsvAsync(PageService service, string route, string body, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await service.Client.SendAsync(request);
        Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The page writes figures to four significant digits.</summary>
    internal static void AssertShown(double expected, string? shown)
    {
        Assert.IsNotNull(shown);
        double value = double.Parse(shown, System.Globalization.CultureInfo.InvariantCulture);
        Assert.AreEqual(expected, value, 5e-4 * Math.Abs(expected), $"shown {shown}");
    }
}
