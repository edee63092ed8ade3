using System.Text.Json;
using Microsoft.Playwright;
using VaeOnnx.Inference;
using static Microsoft.Playwright.Assertions;

namespace VaeOnnx.Tests.Page;

/// <summary>The page at GET / on the shipped Fashion-MNIST pair, in chromium: samples from the prior, and reconstructions of an uploaded IDX file.</summary>
[TestClass]
public sealed class ImagePageTests
{
    private static readonly string Mlp = Path.Combine(RepoPaths.Root, "models", "fashion-mnist-mlp");
    private const string TestImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";

    [TestMethod]
    public async Task SamplesAndReconstructionsOfAnUploadedIdxFileAreDrawnWithTheServicesScores()
    {
        await using var browser = await PageBrowser.LaunchAsync();
        await using var service = await PageService.StartAsync(Mlp);
        var page = await browser.OpenAsync(service.Address);
        await Expect(page.GetByTestId("pair-id")).ToHaveTextAsync(VaeModel.Load(Mlp).PairId);
        await Expect(page.GetByTestId("sample-grid").Locator("canvas")).ToHaveCountAsync(48);
        await Expect(page.Locator("#score")).ToBeHiddenAsync(); // the table sections are not shown for an image pair

        await page.Locator("#recon-file").SetInputFilesAsync(TestImages);
        var figures = page.GetByTestId("recon-grid").Locator("figure");
        await Expect(figures).ToHaveCountAsync(24);
        await Expect(figures.First.Locator("canvas")).ToHaveCountAsync(2);

        // The first test image, scored by the service directly: the caption shows the same score.
        var pixels = FirstImage();
        using var response = await service.Client.PostAsync("/score", new StringContent(JsonSerializer.Serialize(new { rows = new[] { pixels } }), System.Text.Encoding.UTF8, "application/json"));
        var score = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("results")[0].GetProperty("score").GetDouble();
        var caption = await figures.First.Locator("figcaption").TextContentAsync();
        StringAssert.StartsWith(caption, "#1: score ");
        TablePageTests.AssertShown(score, caption!["#1: score ".Length..]);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PageBrowser.Screenshots, "image-pair.png") });

        // A PNG is drawn at the model's 28x28 and sent as one image (here the shipped grid of samples, shrunk).
        await page.Locator("#recon-file").SetInputFilesAsync(Path.Combine(Mlp, "samples.png"));
        await Expect(figures).ToHaveCountAsync(1);
        await Expect(figures.First.Locator("canvas")).ToHaveCountAsync(2);
        await Expect(figures.First.Locator("figcaption")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^#1: score \d"));

        // A file that is neither: its name and why, in words.
        var folder = RepoPaths.NewTempFolder("page-images");
        var notIdx = Path.Combine(folder, "notes.idx");
        await File.WriteAllTextAsync(notIdx, "these are not images");
        await page.Locator("#recon-file").SetInputFilesAsync(notIdx);
        await Expect(page.GetByTestId("recon-error")).ToHaveTextAsync("notes.idx: not an IDX file of unsigned bytes (its first bytes are not 00 00 08).");
    }

    /// <summary>The first 28x28 image of the test file, its bytes over 255 (as the page reads an IDX file).</summary>
    private static float[] FirstImage()
    {
        using var file = new System.IO.Compression.GZipStream(File.OpenRead(TestImages), System.IO.Compression.CompressionMode.Decompress);
        var bytes = new byte[16 + 784];
        file.ReadExactly(bytes);
        return bytes[16..].Select(b => b / 255f).ToArray();
    }
}
