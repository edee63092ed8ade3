using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace VaeOnnx.Tests.Serving;

/// <summary>The service in memory (no socket), on a model folder and extra settings.</summary>
internal sealed class ServiceFactory(string? modelFolder, params (string Key, string Value)[] settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (modelFolder is not null) builder.UseSetting("Vae:ModelFolder", modelFolder);
        builder.UseSetting("Vae:PollIntervalMs", "50");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
