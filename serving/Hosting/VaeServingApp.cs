using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Serving.Endpoints;
using VaeOnnx.Serving.Endpoints.Docs;
using VaeOnnx.Serving.Security;

namespace VaeOnnx.Serving.Hosting;

/// <summary>
/// Builds the service: <c>dotnet run --project serving -c Release -- --model DIR --urls http://127.0.0.1:5080</c>.
/// <c>--model</c> is <c>Vae:ModelFolder</c>, a path relative to the directory the command was run from; every setting of
/// <see cref="VaeServingOptions"/> can also be given as <c>--Vae:Name value</c>, in appsettings.json (read from the app's
/// own folder) or as the environment variable <c>Vae__Name</c>.
/// </summary>
public static class VaeServingApp
{
    /// <summary>The command-line switches beside ASP.NET Core's own (<c>--urls</c>, <c>--environment</c>, ...).</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--model"] = $"{VaeServingOptions.Section}:{nameof(VaeServingOptions.ModelFolder)}",
    };

    /// <summary>
    /// Builds, loads the model and serves until stopped. A model folder that cannot be served, or settings that are not
    /// valid, end the process before it listens, with exit code 1 and one line on stderr (no log record, no stack trace).
    /// </summary>
    public static int Run(string[] args)
    {
        using var app = Build(args);
        if (StartFailure(app.Services) is { } failure)
        {
            Console.Error.WriteLine($"vae-serving: {failure}");
            return 1;
        }
        app.Run();
        return 0;
    }

    /// <summary>The configured application, not yet started.</summary>
    public static WebApplication Build(string[] args)
    {
        // The content root is the app's folder, not the working directory: `dotnet run --project serving` from the
        // repository root must find appsettings.json, while --model stays relative to where the command was run.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(Switches));
        var section = builder.Configuration.GetSection(VaeServingOptions.Section);
        if (section.GetValue(nameof(VaeServingOptions.JsonLogs), true))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
        builder.Services.AddVaeServing(section);
        builder.Services.AddServingSecurity();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer<TableRowSchemaTransformer>());
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseServingSecurity();
        app.MapOpenApi();
        app.MapVaeEndpoints();
        app.MapPage();
        return app;
    }

    /// <summary>
    /// Checks the settings and loads the model folder (what the first request would otherwise do); null when both are
    /// fine, else why not, as one line that names the folder.
    /// </summary>
    private static string? StartFailure(IServiceProvider services)
    {
        VaeServingOptions options;
        try
        {
            options = services.GetRequiredService<IOptions<VaeServingOptions>>().Value;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            return OneLine(e.Message);
        }
        try
        {
            _ = services.GetRequiredService<VaeChainHost>().CurrentPairId;
            return null;
        }
        catch (VaeModelLoadException e)
        {
            return OneLine(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever else stops the pair (its chains cannot be built, the files cannot be read) is still one line.
            return $"{Path.GetFullPath(options.ModelFolder)}: the pair cannot be served: {OneLine(e.Message)}";
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
