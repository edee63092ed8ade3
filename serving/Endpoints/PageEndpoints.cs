using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VaeOnnx.Serving.Endpoints;

/// <summary>
/// The analysts' page at <c>GET /</c>: three static files compiled into the assembly (serving/Page), so the page is the
/// same wherever the service runs and needs no content root. They are open to all (no API key, no rate limit): they hold
/// no data; every figure on the page comes from the JSON and CSV routes, which the page calls with the key typed into it.
/// </summary>
internal static class PageEndpoints
{
    private static readonly (string Route, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/page.css", "page.css", "text/css; charset=utf-8"),
        ("/page.js", "page.js", "text/javascript; charset=utf-8"),
    ];

    /// <summary>Maps <c>GET /</c>, <c>/page.css</c> and <c>/page.js</c>.</summary>
    public static IEndpointRouteBuilder MapPage(this IEndpointRouteBuilder app)
    {
        foreach (var (route, resource, contentType) in Files)
        {
            var bytes = Read(resource);
            app.MapGet(route, (HttpContext http) =>
            {
                // Revalidated on every load: after an upgrade of the service the page must not be an old copy.
                http.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, contentType);
            }).AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        }
        return app;
    }

    private static byte[] Read(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("VaeOnnx.Serving.Page." + resource)
            ?? throw new InvalidOperationException($"the page file {resource} is not compiled into the service");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
