using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaeOnnx.Contract;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Serving.Hosting;
using VaeOnnx.Serving.Rows;
using VaeOnnx.Serving.Tables;
using VaeOnnx.Serving.Telemetry;
using VaeOnnx.Tables;

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

    /// <summary>True when the body is CSV (<c>Content-Type: text/csv</c>).</summary>
    public static bool IsCsv(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith(CsvType, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the client asked for CSV (<c>Accept: text/csv</c>).</summary>
    public static bool WantsCsv(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains(CsvType, StringComparison.OrdinalIgnoreCase));

    /// <summary>The columns a request may give for <paramref name="model"/>, a table pair (cached per loaded pair).</summary>
    public static TableColumns ColumnsOf(VaeModel model) => Columns.GetValue(model, m => new TableColumns(m));

    /// <summary>A JSON row request to a table pair: /score scores it; the vector routes refuse it.</summary>
    public static Answered Rows(HttpRequest request, VaeChainLease lease, RowEndpoint endpoint, ArraySegment<byte> body, VaeServingOptions options)
    {
        if (endpoint != RowEndpoint.Score) throw VectorsOnly(lease, endpoint);
        if (request.ContentType is { } type && type.StartsWith(BinaryRowsReader.ContentType, StringComparison.OrdinalIgnoreCase))
            throw new BadRequestException($"pair {lease.PairId} is a table pair: send its rows keyed by column name as JSON, or as CSV (text/csv), not as float32", statusCode: StatusCodes.Status415UnsupportedMediaType);
        using var document = Parse(body);
        var parsed = TableScoreRequest.Parse(document.RootElement, ColumnsOf(lease.Model), options.MaxRowsPerRequest);
        using var writer = new TableScoreWriter(lease.Model.Table!, WantsCsv(request), parsed.IdColumn, parsed.Top);
        var scored = lease.Transform(ServingChains.TableScore, parsed.Rows.ToDataView());
        var ids = parsed.Ids;
        byte[][] parts = [writer.Start(lease.PairId), writer.Block(scored, ids is null ? null : r => ids[r]), writer.End()];
        return new Answered(Results.Bytes(parts.SelectMany(p => p).ToArray(), writer.ContentType), parsed.Rows.Count, lease.PairId);
    }

    /// <summary>
    /// POST /score with a CSV body (a header row, then rows): read, scored and answered block by block, so neither the
    /// upload nor the answer is ever whole in memory. The pass-through id column and top come as the query's <c>id</c> and
    /// <c>top</c>; without <c>id</c>, the pair's recorded id column is echoed when the header has it. The first block is
    /// scored before anything is sent, so an error in it is a 400; a bad row further on cuts the answer
    /// (<see cref="VaeEndpoints.Answer"/>).
    /// </summary>
    public static async Task<Answered> ScoreCsvAsync(HttpContext http, VaeChainHost host, VaeServingOptions options)
    {
        if (http.Request.ContentLength > options.MaxRequestBytes) throw RequestBody.TooLarge(options.MaxRequestBytes);
        RequestBody.LiftServerLimit(http.Request);
        using var lease = host.Acquire();
        if (!lease.Model.IsTable)
            throw new BadRequestException($"pair {lease.PairId} is not a table pair: CSV rows are scored by table pairs; send JSON or {BinaryRowsReader.ContentType} rows", statusCode: StatusCodes.Status415UnsupportedMediaType);
        var columns = ColumnsOf(lease.Model);
        var (id, top) = (Query(http.Request, "id"), Top(http.Request, columns.Schema.Columns.Count));
        var upload = new CsvUpload(http.Request.Body, options.MaxRequestBytes, http.RequestAborted);
        var header = await upload.ReadHeaderAsync();
        id ??= columns.RecordedId is { } recorded && header.Contains(recorded) ? recorded : null;
        CheckHeader(header, columns, id);
        var featurizer = new TableFeaturizer(columns.Schema);
        using var writer = new TableScoreWriter(columns.Schema, WantsCsv(http.Request), id, top);
        // The head goes out with the first block's results, so that an error in that block is still a 400.
        byte[]? head = writer.Start(lease.PairId);
        async Task Send(byte[] bytes)
        {
            if (head is not null) http.Response.ContentType = writer.ContentType;
            await http.Response.Body.WriteAsync(head ?? [], http.RequestAborted);
            head = null;
            await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
        }
        int rows = 0;
        while (await upload.ReadBlockAsync(options.BlockSize) is { } block)
        {
            rows += block.Rows.Count;
            if (rows > options.MaxRowsPerRequest) throw new BadRequestException($"more than {options.MaxRowsPerRequest} rows; send at most {options.MaxRowsPerRequest} per request");
            var scored = lease.Transform(ServingChains.TableScore, BlockRows(block, featurizer, columns).ToDataView());
            var ids = id is null ? null : block.Rows.Select(r => JsonSerializer.SerializeToElement(r[block.IndexOf(id)])).ToArray();
            await Send(writer.Block(scored, ids is null ? null : r => ids[r]));
        }
        await Send(writer.End());
        return new Answered(Results.Empty, rows, lease.PairId);
    }

    /// <summary>One block of CSV rows as <c>vae score</c> reads them (<see cref="TableFeaturizer.GraphInputs"/>, <see cref="TableCondition.Codes"/>).</summary>
    private static VaeTableRows BlockRows(RawTable block, TableFeaturizer featurizer, TableColumns columns)
    {
        try
        {
            var inputs = featurizer.GraphInputs(block);
            if (columns.Condition is not { } condition) return new VaeTableRows(columns.Schema, inputs);
            return new VaeTableRows(columns.Schema, inputs, condition.Column, TableCondition.Codes(block, condition).Select(c => condition.Classes[c]).ToArray());
        }
        catch (DataFormatException e)
        {
            throw new BadRequestException(e.Message, e);
        }
    }

    /// <summary>Refuses a header without a column the model needs, or with one it does not know (other than the id column).</summary>
    private static void CheckHeader(IReadOnlyList<string> header, TableColumns columns, string? id)
    {
        var missing = columns.Required.FirstOrDefault(c => !header.Contains(c));
        if (missing is not null) throw new BadRequestException($"{CsvUpload.Source}: the header has no column '{missing}'; the model takes {columns.What}");
        var unknown = header.FirstOrDefault(h => h != id && columns.IndexOf(h) is null);
        if (unknown is not null) throw new BadRequestException($"{CsvUpload.Source}: the header has an unknown column '{unknown}'; the model takes {columns.What} (name an id column with ?id={unknown})");
        if (id is not null && !header.Contains(id)) throw new BadRequestException($"{CsvUpload.Source}: the header has no id column '{id}'");
    }

    /// <summary>The first value of query parameter <paramref name="name"/>, or null.</summary>
    internal static string? Query(HttpRequest request, string name) => request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static int? Top(HttpRequest request, int columns)
    {
        if (Query(request, "top") is not { } text) return null;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k) || k < 1 || k > columns)
            throw new BadRequestException($"'top' is '{text}'; expected a whole number from 1 to {columns} (the contributions to keep)");
        return k;
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
