using Microsoft.Playwright;

namespace VaeOnnx.Tests.Page;

/// <summary>
/// Debian's chromium driven by Playwright for the page tests: Playwright's own browser download is not reachable here,
/// so the system browser is launched by its path (.ci/run installs the chromium package). One browser per test class.
/// </summary>
internal sealed class PageBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private PageBrowser(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    /// <summary>Where the tests leave their screenshots (TestResults is ignored by git).</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "TestResults", "page")).FullName;

    public static async Task<PageBrowser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath)) Assert.Fail($"{ChromiumPath} not found: install Debian's chromium package (.ci/run does)");
        // Pages load and models score on a busy 2-core machine: the default 5 s wait of an expectation is too short.
        Assertions.SetDefaultExpectTimeout(30_000);
        var playwright = await Playwright.CreateAsync();
        // --no-sandbox: CI runs as root, where chromium refuses its sandbox.
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
        return new PageBrowser(playwright, browser);
    }

    /// <summary>A fresh tab (its own context: no shared storage or downloads) at <paramref name="width"/> x <paramref name="height"/>.</summary>
    public async Task<IPage> OpenAsync(string address, int width = 1280, int height = 800)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(address);
        return page;
    }

    /// <summary>Clicks a download link and returns the downloaded file's text.</summary>
    public static async Task<string> DownloadAsync(IPage page, string testId)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId(testId).ClickAsync());
        var path = Path.Combine(RepoPaths.NewTempFolder("page-download"), download.SuggestedFilename);
        await download.SaveAsAsync(path);
        return await File.ReadAllTextAsync(path);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
