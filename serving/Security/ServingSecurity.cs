using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VaeOnnx.Serving.Hosting;

namespace VaeOnnx.Serving.Security;

/// <summary>
/// API keys and per-client rate limits with ASP.NET Core's own authentication, authorization and rate limiter, set from
/// <see cref="VaeServingOptions.ApiKeys"/> and <see cref="VaeServingOptions.RateLimitPerMinute"/> when the options are
/// first read (after the start-up check, so that a bad setting is its one line, not a stack trace).
/// </summary>
internal static class ServingSecurity
{
    public static IServiceCollection AddServingSecurity(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthenticationOptions.Scheme).AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationOptions.Scheme, null);
        services.AddOptions<ApiKeyAuthenticationOptions>(ApiKeyAuthenticationOptions.Scheme).Configure<IOptions<VaeServingOptions>>((o, vae) => o.Keys = vae.Value.ApiKeys);
        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<VaeServingOptions>>((o, vae) =>
        {
            if (vae.Value.ApiKeys.Length > 0) o.FallbackPolicy = new AuthorizationPolicyBuilder(ApiKeyAuthenticationOptions.Scheme).RequireAuthenticatedUser().Build();
        });
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<VaeServingOptions>>((o, vae) =>
        {
            int perMinute = vae.Value.RateLimitPerMinute;
            if (perMinute <= 0) return;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => RateLimitPartition.GetFixedWindowLimiter(Client(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = (context, cancel) => Rejected(context, perMinute, cancel);
        });
        services.AddHostedService<OpenAccessWarning>();
        return services;
    }

    /// <summary>Authentication, then authorization, then the rate limiter, which partitions by the authenticated client.</summary>
    public static void UseServingSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
    }

    /// <summary>The client a request counts against: its API key's name, else its address.</summary>
    private static string Client(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask Rejected(OnRejectedContext context, int perMinute, CancellationToken cancel)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
            response.Headers.RetryAfter = Math.Ceiling(retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: $"more than {perMinute} requests a minute from this client ({VaeServingOptions.Section}:{nameof(VaeServingOptions.RateLimitPerMinute)}); retry after the Retry-After seconds").ExecuteAsync(context.HttpContext);
    }
}
