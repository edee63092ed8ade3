using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Serving.Hosting;

namespace VaeOnnx.Tests.Page;

/// <summary>The service on a real socket (127.0.0.1, a port the system picks) for a browser to open, plus a client of its own.</summary>
internal sealed class PageService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PageService(WebApplication app, string address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Address { get; }

    public HttpClient Client { get; }

    public VaeChainHost Host => _app.Services.GetRequiredService<VaeChainHost>();

    public static async Task<PageService> StartAsync(string modelFolder, params string[] settings)
    {
        var app = VaeServingApp.Build(["--model", modelFolder, "--urls", "http://127.0.0.1:0", "--Vae:PollIntervalMs", "50",
            "--Vae:JsonLogs", "false", "--Logging:LogLevel:Default", "Warning", .. settings]);
        await app.StartAsync();
        return new PageService(app, app.Urls.Single());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
