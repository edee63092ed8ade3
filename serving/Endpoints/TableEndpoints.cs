using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Serving.Hosting;
using VaeOnnx.Serving.Rows;
using VaeOnnx.Serving.Tables;
using VaeOnnx.Serving.Telemetry;

namespace VaeOnnx.Serving.Endpoints;

/// <summary>
/// The routes of a table pair: <c>/score</c> on rows keyed by column name (JSON, or CSV in and out) and
/// <c>/synthesize</c>. They run on the lease of the request like every route, so a hot swap between table pairs (or to an
/// image pair) is seen whole by each request.
/// </summary>
internal static class TableEndpoints
{
    private static readonly ConditionalWeakTable<VaeModel, TableColumns> Columns = new();

    public const string CsvType = "text/csv";

    /// <summary>True when the client asked for CSV (<c>Accept: text/csv</c>).</summary>
    public static bool WantsCsv(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains(CsvType, StringComparison.OrdinalIgnoreCase));

    /// <summary>The columns a request may give for <paramref name="model"/>, a table pair (cached per loaded pair).</summary>
    public static TableColumns ColumnsOf(VaeModel model) => Columns.GetValue(model, m => new TableColumns(m));

    /// <summary>A JSON row request to a table pair: /score scores it; the vector routes refuse it.</summary>
    public static Answered Rows(HttpRequest request, VaeChainLease lease, RowEndpoint endpoint, ArraySegment<byte> body, VaeServingOptions options)
    {
        if (endpoint != RowEndpoint.Score) throw VectorsOnly(lease, endpoint);
        using var document = Parse(body);
        var parsed = TableScoreRequest.Parse(document.RootElement, ColumnsOf(lease.Model), options.MaxRowsPerRequest);
        using var writer = new TableScoreWriter(lease.Model.Table!, WantsCsv(request), parsed.IdColumn, parsed.Top);
        var scored = lease.Transform(ServingChains.TableScore, parsed.Rows.ToDataView());
        var ids = parsed.Ids;
        byte[][] parts = [writer.Start(lease.PairId), writer.Block(scored, ids is null ? null : r => ids[r]), writer.End()];
        return new Answered(Results.Bytes(parts.SelectMany(p => p).ToArray(), writer.ContentType), parsed.Rows.Count, lease.PairId);
    }

    /// <summary>The refusal of a vector route (encode, reconstruct, decode, sample) by a table pair.</summary>
    public static BadRequestException VectorsOnly(VaeChainLease lease, RowEndpoint endpoint) =>
        new($"pair {lease.PairId} is a table pair: it serves /score (rows keyed by column name) and /synthesize; /{endpoint.Name} takes the vectors of an image or vector pair");

    /// <summary>POST /synthesize.</summary>
    public static Task<IResult> Synthesize(HttpContext http, VaeChainHost host, ServingMetrics metrics, IOptions<VaeServingOptions> options, ILoggerFactory logs) =>
        VaeEndpoints.Answer(http, "synthesize", metrics, logs, async () =>
        {
            var o = options.Value;
            if (!o.EnableSynthesize)
                throw new BadRequestException($"synthesis is turned off on this service ({VaeServingOptions.Section}:{nameof(VaeServingOptions.EnableSynthesize)} is false): synthetic rows reveal what the model learned", statusCode: StatusCodes.Status403Forbidden);
            var body = await RequestBody.ReadAsync(http.Request, o.MaxRequestBytes, http.RequestAborted);
            using var lease = host.Acquire();
            var model = lease.Model;
            if (!model.IsTable)
                throw new BadRequestException($"pair {lease.PairId} is not a table pair: /synthesize writes the rows of a table model; /sample draws from an image or vector pair");
            var request = SynthesizeRequest.Parse(body, o.MaxSampleCount, model.Condition);
            // The decoder session lives for this request only: a hot swap must never leave it on a retired pair.
            using var synthesizer = new VaeTableSynthesizer(model);
            var rows = request.Condition is { } condition ? synthesizer.Sample(request.Count, request.Seed, condition) : synthesizer.Sample(request.Count, request.Seed);
            var result = WantsCsv(http.Request)
                ? Results.Bytes(SynthesizedRowsWriter.Csv(rows), "text/csv; charset=utf-8")
                : Results.Bytes(SynthesizedRowsWriter.Json(lease.PairId, rows), "application/json");
            return new Answered(result, rows.Count, lease.PairId);
        });

    private static JsonDocument Parse(ArraySegment<byte> body)
    {
        if (body.Count == 0) throw new BadRequestException("the body is empty; expected {\"rows\": [{\"column\": value, ...}, ...]}");
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid JSON: {e.Message}", e);
        }
    }
}
