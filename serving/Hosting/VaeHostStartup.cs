using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Serving.Telemetry;

namespace VaeOnnx.Serving.Hosting;

/// <summary>Loads the model when the service starts (resolving the host), so a missing or broken model folder stops the start with its message rather than failing the first request.</summary>
internal sealed class VaeHostStartup(VaeChainHost host, ILogger<VaeHostStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var model = host.CurrentModel;
        using var lease = host.Acquire();
        ServingLog.Serving(logger, model.PairId, host.ModelFolder, model.InputDim, model.LatentDim, string.Join(",", lease.ChainNames));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
