using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Serving.Endpoints.Docs;
using VaeOnnx.Serving.Hosting;
using VaeOnnx.Serving.Rows;
using VaeOnnx.Serving.Tables;
using VaeOnnx.Serving.Telemetry;

namespace VaeOnnx.Serving.Endpoints;

/// <summary>
/// The service's routes. Every scoring request takes one lease on the host, so all its rows are computed by one pair and
/// the answer names that pair; a request that cannot be served as sent is a 400 (413 when too large) with the reason.
/// Rows come as JSON or, for large batches of wide rows, as raw float32 (<see cref="BinaryRowsReader"/>); answers are JSON.
/// </summary>
public static class VaeEndpoints
{
    /// <summary>Maps GET /health, /model, /metrics and POST /encode, /reconstruct, /score, /decode, /sample.</summary>
    public static IEndpointRouteBuilder MapVaeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (VaeChainHost host) => Results.Json(HealthDoc.Of(host)))
            .WithName("health").WithSummary("Whether the service is up, the pair it serves and the state of the model folder.").Produces<HealthDoc>()
            .AllowAnonymous().DisableRateLimiting(); // probes of load balancers and orchestrators carry no key
        app.MapGet("/model", (VaeChainHost host) => Results.Json(ModelDoc.Of(host)))
            .WithName("model").WithSummary("The pair served: pair id, dimensions, likelihood, feature names and metadata.").Produces<ModelDoc>();
        app.MapGet("/metrics", (VaeChainHost host, ServingMetrics metrics) => Results.Json(new MetricsDoc(host.CurrentPairId, host.SwapCount, host.FailedReloadCount, metrics.Snapshot())))
            .WithName("metrics").WithSummary("Requests, errors, rows and latency percentiles per endpoint since start (also published on the .NET meter VaeOnnx.Serving).").Produces<MetricsDoc>();
        MapRows(app, RowEndpoint.Encode, "Posterior mean and log-variance of each row.").Produces<ResultsDoc<EncodeResultDoc>>();
        MapRows(app, RowEndpoint.Reconstruct, "Decoder output for the posterior mean of each row.").Produces<ResultsDoc<ReconstructResultDoc>>();
        MapRows(app, RowEndpoint.Score, "Anomaly score of each row (negative ELBO with z = mu; higher is more unusual) and its parts.").Produces<ResultsDoc<ScoreResultDoc>>();
        MapRows(app, RowEndpoint.Decode, "Decoder output for each latent row (L numbers).").Produces<ResultsDoc<ReconstructResultDoc>>();
        app.MapPost("/sample", Sample).WithName("sample").WithSummary("Draws from the prior N(0, I) or, with \"sampler\": \"gmm\", from the latent mixture the pair stores, decoded; the same seed gives the same draws.")
            .Accepts<SampleRequest>("application/json").Produces<ResultsDoc<SampleResultDoc>>().ProducesProblem(StatusCodes.Status400BadRequest);
        app.MapPost("/synthesize", TableEndpoints.Synthesize).WithName("synthesize")
            .WithSummary("Table pairs: synthetic rows in the training file's columns and spellings (JSON, or CSV with Accept: text/csv); off with Vae:EnableSynthesize false.")
            .Accepts<SynthesizeRequest>("application/json").Produces<SynthesizeResultDoc>().Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static RouteHandlerBuilder MapRows(IEndpointRouteBuilder app, RowEndpoint endpoint, string summary) =>
        app.MapPost("/" + endpoint.Name, (HttpContext http, VaeChainHost host, ServingMetrics metrics, IOptions<VaeServingOptions> options, ILoggerFactory logs) =>
                Answer(http, endpoint.Name, metrics, logs, async () =>
                {
                    if (endpoint == RowEndpoint.Score && TableEndpoints.IsCsv(http.Request))
                        return await TableEndpoints.ScoreCsvAsync(http, host, options.Value);
                    var body = await RequestBody.ReadAsync(http.Request, options.Value.MaxRequestBytes, http.RequestAborted);
                    using var lease = host.Acquire();
                    if (lease.Model.IsTable) return TableEndpoints.Rows(http.Request, lease, endpoint, body, options.Value);
                    var schema = endpoint.Latent ? FeatureSchema.ForLatent(lease.Model) : FeatureSchema.ForInput(lease.Model);
                    var rows = IsBinary(http.Request)
                        ? BinaryRowsReader.Read(body, schema, options.Value.MaxRowsPerRequest)
                        : RowsReader.Read(body, schema, options.Value.MaxRowsPerRequest);
                    return Score(lease, endpoint, rows, TableEndpoints.Query(http.Request, "condition"));
                }))
            .WithName(endpoint.Name).WithSummary(summary)
            .Accepts<RowsRequestDoc>("application/json", endpoint == RowEndpoint.Score ? [BinaryRowsReader.ContentType, TableEndpoints.CsvType] : [BinaryRowsReader.ContentType]).ProducesProblem(StatusCodes.Status400BadRequest);

    private static bool IsBinary(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith(BinaryRowsReader.ContentType, StringComparison.OrdinalIgnoreCase);

    private static Task<IResult> Sample(HttpContext http, VaeChainHost host, ServingMetrics metrics, IOptions<VaeServingOptions> options, ILoggerFactory logs) =>
        Answer(http, RowEndpoint.Sample.Name, metrics, logs, async () =>
        {
            var body = await RequestBody.ReadAsync(http.Request, options.Value.MaxRequestBytes, http.RequestAborted);
            var request = SampleRequest.Parse(body, options.Value.MaxSampleCount);
            using var lease = host.Acquire();
            if (lease.Model.IsTable) throw TableEndpoints.VectorsOnly(lease, RowEndpoint.Sample);
            var classes = RowConditions.Resolve(new RowBlock([], request.Count, 0), lease.Model.Condition, request.Condition);
            return Score(lease, RowEndpoint.Sample, LatentDraws.Draw(lease.Model, request, classes), request.Condition);
        });

    private static Answered Score(VaeChainLease lease, RowEndpoint endpoint, RowBlock rows, string? queryCondition)
    {
        if (!lease.ChainNames.Contains(endpoint.Chain))
            throw new BadRequestException($"pair {lease.PairId} has no likelihood in its metadata, so it has no anomaly score; start the service with --Vae:Likelihood Bernoulli or Gaussian");
        var condition = lease.Model.Condition;
        var codes = RowConditions.Resolve(rows, condition, queryCondition);
        var scored = lease.Transform(endpoint.Chain, new RowBlockView(rows, endpoint.InputColumn, codes, condition?.Dim ?? 0));
        return new Answered(Results.Bytes(ResultWriter.Write(lease.PairId, scored, endpoint.Fields), "application/json"), rows.Rows, lease.PairId);
    }

    /// <summary>
    /// Runs a handler, turns a refused request into its status and message, and records metrics and the log line. A
    /// request refused after its answer started streaming (a bad row deep in a CSV upload) can no longer get a status:
    /// its connection is aborted, so the client sees a cut answer rather than a complete-looking one.
    /// </summary>
    internal static async Task<IResult> Answer(HttpContext http, string endpoint, ServingMetrics metrics, ILoggerFactory logs, Func<Task<Answered>> handle)
    {
        long start = Stopwatch.GetTimestamp();
        var logger = logs.CreateLogger("VaeOnnx.Serving.Requests");
        try
        {
            var answered = await handle();
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            metrics.Record(endpoint, StatusCodes.Status200OK, answered.Rows, ms);
            ServingLog.Answered(logger, endpoint, StatusCodes.Status200OK, answered.Rows, answered.PairId, ms);
            return answered.Result;
        }
        catch (BadRequestException e)
        {
            metrics.Record(endpoint, e.StatusCode, 0, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            ServingLog.Refused(logger, endpoint, e.StatusCode, LogRedaction.Redact(e.Message));
            if (!http.Response.HasStarted)
                return Results.Problem(detail: e.Message, statusCode: e.StatusCode, title: Title(e.StatusCode));
            http.Abort();
            return Results.Empty;
        }
    }

    private static string Title(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Request too large",
        StatusCodes.Status403Forbidden => "Turned off",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
        _ => "Invalid request",
    };
}
