using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VaeOnnx.Serving.Endpoints;

namespace VaeOnnx.Serving.Hosting;

/// <summary>
/// Builds the service: <c>dotnet run --project serving -c Release -- --model DIR --urls http://127.0.0.1:5080</c>.
/// <c>--model</c> is <c>Vae:ModelFolder</c>; every setting of <see cref="VaeServingOptions"/> can also be given as
/// <c>--Vae:Name value</c>, in appsettings.json or as the environment variable <c>Vae__Name</c>.
/// </summary>
public static class VaeServingApp
{
    /// <summary>The command-line switches beside ASP.NET Core's own (<c>--urls</c>, <c>--environment</c>, ...).</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--model"] = $"{VaeServingOptions.Section}:{nameof(VaeServingOptions.ModelFolder)}",
    };

    /// <summary>The configured application, not yet started.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(Switches));
        var section = builder.Configuration.GetSection(VaeServingOptions.Section);
        if (section.GetValue(nameof(VaeServingOptions.JsonLogs), true))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
        builder.Services.AddVaeServing(section);
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapVaeEndpoints();
        return app;
    }
}
