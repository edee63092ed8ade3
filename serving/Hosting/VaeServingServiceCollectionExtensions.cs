using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Serving.Tables;
using VaeOnnx.Serving.Telemetry;

namespace VaeOnnx.Serving.Hosting;

/// <summary>Registers the VaeOnnx service: its options, the hot-swapping chain host and the metrics.</summary>
public static class VaeServingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="VaeServingOptions"/> bound from <paramref name="section"/> (usually <c>Configuration.GetSection("Vae")</c>),
    /// a singleton <see cref="VaeChainHost"/> that watches the model folder, and <see cref="ServingMetrics"/>. The model is
    /// loaded when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section of <see cref="VaeServingOptions"/>.</param>
    /// <param name="chains">The chains to serve per pair; null for <see cref="ServingChains"/> (what the endpoints use: <see cref="VaeStandardChains"/>, or a table pair's <c>VaeTableScore</c>).</param>
    public static IServiceCollection AddVaeServing(this IServiceCollection services, IConfiguration section, Action<VaeChainBuilder>? chains = null)
    {
        services.AddOptions<VaeServingOptions>().Bind(section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ModelFolder), $"{VaeServingOptions.Section}:ModelFolder is not set; start the service with --model DIR (or set {VaeServingOptions.Section}__ModelFolder)")
            .Validate(o => o.PollIntervalMs > 0 && o.MaxRowsPerRequest > 0 && o.MaxSampleCount > 0 && o.MaxRequestBytes > 0 && o.BlockSize > 0,
                $"{VaeServingOptions.Section}: PollIntervalMs, MaxRowsPerRequest, MaxSampleCount, MaxRequestBytes and BlockSize must be positive")
            .ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton(provider => CreateHost(provider, chains));
        services.AddHostedService<VaeHostStartup>();
        return services;
    }

    private static VaeChainHost CreateHost(IServiceProvider provider, Action<VaeChainBuilder>? chains)
    {
        var options = provider.GetRequiredService<IOptions<VaeServingOptions>>().Value;
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("VaeOnnx.Serving.ModelHost");
        var host = new VaeChainHost(new VaeChainHostOptions
        {
            ModelFolder = options.ModelFolder,
            PollInterval = TimeSpan.FromMilliseconds(options.PollIntervalMs),
            Likelihood = options.Likelihood,
            Session = new VaeSessionOptions
            {
                Provider = options.Provider, DeviceId = options.DeviceId, AllowCpuFallback = options.AllowCpuFallback,
                BlockSize = options.BlockSize, IntraOpThreads = options.IntraOpThreads,
                Log = warning => ServingLog.SessionWarning(logger, warning),
            },
        }, chains ?? ServingChains.Add);
        host.Swapped += (old, next) => ServingLog.Swapped(logger, old, next);
        host.ReloadFailed += e => ServingLog.ReloadFailed(logger, host.CurrentPairId, e.Message);
        return host;
    }
}
