using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaeOnnx.Serving.Hosting;
using VaeOnnx.Serving.Telemetry;

namespace VaeOnnx.Serving.Security;

/// <summary>Warns once the service listens when it has no API keys and listens beyond the loopback interface: anyone who reaches it may score and synthesize.</summary>
internal sealed class OpenAccessWarning(IHostApplicationLifetime lifetime, IServer server, IOptions<VaeServingOptions> options, ILogger<OpenAccessWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.ApiKeys.Length == 0)
            lifetime.ApplicationStarted.Register(() =>
            {
                var open = server.Features.Get<IServerAddressesFeature>()?.Addresses.Where(a => !IsLoopback(a)).ToArray() ?? [];
                if (open.Length > 0) ServingLog.OpenAccess(logger, string.Join(", ", open));
            });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0"), UriKind.Absolute, out var uri)) return false;
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
