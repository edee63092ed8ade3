using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Cli.Scoring;
using VaeOnnx.Contract;
using VaeOnnx.Contract.IO;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Inference.Transforms;
using VaeOnnx.Serving.Hosting;
using VaeOnnx.Serving.Load;
using VaeOnnx.Tables;

namespace VaeOnnx.Benchmarks.Load;

/// <summary>
/// The load run of the service for table pairs (<c>load --table-model</c>): the service on Kestrel at 127.0.0.1, first
/// <c>--clients</c> clients for <c>--seconds</c> sending JSON rows keyed by column name (<c>--rows</c> rows of the CSV per
/// request, cells as the file's text, null for a blank) with <c>--swaps</c> hot swaps between two table pairs of the same
/// schema, every answer's score, recon and kl checked (1e-4 relative) against the in-process <c>VaeTableScore</c> of the pair
/// it names on the same rows, and answers carrying the other pair's numbers counted as mixed; then the batch /score
/// endpoint's rows/s with 1,024-row JSON bodies and with the same rows as a text/csv body answered as CSV, each against
/// the in-process <c>VaeTableScore</c> chain on those rows, measured before, between and after them in the same run.
/// Loopback only; every loop is bounded in count and time.
/// </summary>
/// <remarks>
/// Smoke run on a small pair (customers.py 3000 rows; hidden 32, latent 4, 3 epochs; run-b with --seed 2):
/// <c>dotnet benchmarks/bin/Release/net10.0/VaeOnnx.Benchmarks.dll load --table-model /tmp/tl/a --swap-with /tmp/tl/b --data /tmp/tl/c.csv --seconds 10 --swaps 3</c>
/// </remarks>
public static class TableLoadRun
{
    /// <summary>Relative tolerance of an answer against the in-process score (the service and the run read the cells through different paths).</summary>
    private const double Tolerance = 1e-4;

    /// <summary>Distinct request bodies in the swap run, so that clients do not all send the same rows.</summary>
    private const int Bodies = 8;

    /// <summary>Runs with <c>--name value</c> arguments; prints a report (and JSON with --json).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var o = ServiceLoadRun.Arguments(args);
        string modelA = o["table-model"];
        string modelB = o.TryGetValue("swap-with", out var other) ? other : throw new ArgumentException("--swap-with DIR is required: the second table pair of the same schema");
        string data = o.TryGetValue("data", out var file) ? file : throw new ArgumentException("--data FILE.csv is required: the rows to send");
        int clients = ServiceLoadRun.Int(o, "clients", 8), seconds = ServiceLoadRun.Int(o, "seconds", 30), swaps = ServiceLoadRun.Int(o, "swaps", 10);
        int rowsPerRequest = ServiceLoadRun.Int(o, "rows", 16), batchRows = ServiceLoadRun.Int(o, "batch-rows", 1024);
        int batchSeconds = ServiceLoadRun.Int(o, "batch-seconds", 10), batchClients = ServiceLoadRun.Int(o, "batch-clients", 2);
        var a = VaeModel.Load(modelA);
        var b = VaeModel.Load(modelB);
        if (a.Table is null || b.Table is null || a.PairId == b.PairId || !SameSchema(a, b))
            throw new ArgumentException($"{modelA} and {modelB} must be two different table pairs of the same schema (columns, kinds, condition)");

        // One block of the file holds every row the run sends: the swap run's bodies are its first slices, the batch its first batchRows.
        var table = RawTableReader.ReadBlocks(data, Math.Max(rowsPerRequest * Bodies, batchRows)).First();
        if (table.Rows.Count < Math.Max(rowsPerRequest, batchRows))
            throw new ArgumentException($"{data}: {table.Rows.Count} rows; the run needs at least {Math.Max(rowsPerRequest, batchRows)} (--rows, --batch-rows)");
        var sent = SentColumns(table, a.Table);
        var folder = ServiceLoadRun.CopyPair(modelA, "vae-table-load-");
        var figures = new Dictionary<string, object?> { ["table_model"] = modelA, ["swap_with"] = modelB, ["data"] = data, ["machine_cores"] = Environment.ProcessorCount };
        try
        {
            await using var app = await ServiceLoadRun.StartService(folder);
            var host = app.Services.GetRequiredService<VaeChainHost>();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(120) };

            long mixed = 0;
            var requests = new List<LoadRequest>();
            for (int s = 0; s < Bodies && (s + 1) * rowsPerRequest <= table.Rows.Count; s++)
            {
                var slice = table.Select(Enumerable.Range(s * rowsPerRequest, rowsPerRequest).ToArray());
                var expected = new[] { a, b }.ToDictionary(m => m.PairId, m => Expected(m, slice), StringComparer.Ordinal);
                requests.Add(new LoadRequest("/score", Json(slice, sent), rowsPerRequest, (pair, results) =>
                {
                    if (!expected.TryGetValue(pair, out var named)) return $"unknown pair {pair}";
                    if (Mismatch(named, results) is not { } problem) return null;
                    // An answer that holds (some of) the other pair's numbers is the failure a hot swap must never cause.
                    var rest = expected.Where(e => e.Key != pair).Select(e => e.Value).Single();
                    if (Matches(rest, results).Any(m => m)) Interlocked.Increment(ref mixed);
                    return problem;
                }));
            }
            var swapped = await ServiceLoad.RunAsync(client, new LoadPlan
            {
                Clients = clients, Duration = TimeSpan.FromSeconds(seconds), MaxRequestsPerClient = 1_000_000, Requests = requests, Swaps = swaps,
                Swap = i => ServiceLoadRun.Swap(host, folder, i % 2 == 1 ? modelB : modelA),
            });
            ServiceLoadRun.Report(figures, "swap_run", swapped);
            figures["swap_run_mixed_answers"] = mixed;
            figures["swap_run_failed_reloads"] = host.FailedReloadCount;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{clients} clients, {seconds} s, {swapped.Swaps} hot swaps ({host.FailedReloadCount} half-replaced folders refused): {swapped.Requests:N0} requests of {rowsPerRequest} JSON rows, {swapped.Errors} errors (wrong status, transport error, or scores not those of the pair named), {mixed} mixed (numbers of the other pair), answers by pair: {string.Join(", ", swapped.PairsSeen.Select(p => $"{p.Key[..8]} {p.Value:N0}"))}; latency p50 {swapped.P50Ms:F2} ms, p99 {swapped.P99Ms:F2} ms; {swapped.RowsPerSecond:N0} rows/s, {swapped.RequestsPerSecond:N0} requests/s"));
            foreach (var e in swapped.FirstErrors) Console.Error.WriteLine($"  error: {e}");

            // Batch throughput on the pair now in service, alternated with the in-process chain on the same rows.
            var serving = host.CurrentModel;
            var batch = table.Select(Enumerable.Range(0, batchRows).ToArray());
            using var inProcess = new InProcess(serving, batch);
            double before = inProcess.RowsPerSecond();
            var jsonRun = await ServiceLoad.RunAsync(client, new LoadPlan
            {
                Clients = batchClients, Duration = TimeSpan.FromSeconds(batchSeconds), MaxRequestsPerClient = 100_000,
                Requests = [new LoadRequest("/score", Json(batch, sent), batchRows, (pair, results) =>
                    pair != serving.PairId ? $"answered by {pair}" : results.GetArrayLength() != batchRows ? $"{results.GetArrayLength()} results" : null)],
            });
            double between = inProcess.RowsPerSecond();
            var csvRun = await CsvBatchAsync(client, Csv(batch, sent), batchRows, batchClients, TimeSpan.FromSeconds(batchSeconds), serving.PairId);
            double after = inProcess.RowsPerSecond();
            ServiceLoadRun.ReportBatches(figures, "in_process_table_score_rows_per_s", [before, between, after],
                [("json", "JSON", jsonRun), ("csv", "text/csv in and out", csvRun)], $"{batchClients} clients x {batchRows} rows for {batchSeconds} s",
                $"in-process VaeTableScore chain on the same {batchRows} rows (featurised once, scored and read through one cursor)");
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        if (o.ContainsKey("json")) Console.WriteLine(JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static bool SameSchema(VaeModel a, VaeModel b) =>
        a.Table!.Columns.Select(c => (c.Name, c.Kind)).SequenceEqual(b.Table!.Columns.Select(c => (c.Name, c.Kind)))
        && a.Condition?.Column == b.Condition?.Column;

    /// <summary>The file's columns a request carries: those the pair reads, and those it knows it leaves out (so the file's rows go as they are).</summary>
    private static int[] SentColumns(RawTable table, TableSchema schema)
    {
        var known = schema.Columns.Select(c => c.Name).Concat(schema.IgnoredColumns).Concat(schema.IdColumns).Append(schema.LabelColumn).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var missing = schema.Columns.Select(c => c.Name).FirstOrDefault(n => table.IndexOf(n) < 0);
        if (missing is not null) throw new ArgumentException($"{table.Source}: no column '{missing}', which the pair reads");
        return Enumerable.Range(0, table.Header.Count).Where(i => known.Contains(table.Header[i])).ToArray();
    }

    /// <summary>Score, recon and kl of each row, as the in-process VaeTableScore of <paramref name="model"/> computes them from the file's cells.</summary>
    private static float[][] Expected(VaeModel model, RawTable rows)
    {
        var ml = new MLContext(1);
        var view = TableInput.Rows(rows, new TableFeaturizer(model.Table!), model.Condition).ToDataView();
        using var chain = ml.Transforms.VaeTableScore(model).Fit(view);
        var scored = chain.Transform(view);
        const string score = VaeTableScoreEstimator.DefaultScoreColumn;
        var parts = new[] { score, VaeScoreParts.Column(score, VaeScoreParts.Reconstruction), VaeScoreParts.Column(score, VaeScoreParts.Kl) }
            .Select(n => scored.GetColumn<float>(n).ToArray()).ToArray();
        return Enumerable.Range(0, rows.Rows.Count).Select(r => parts.Select(p => p[r]).ToArray()).ToArray();
    }

    /// <summary>Null when every result equals <paramref name="expected"/> within the tolerance, else the first row that does not.</summary>
    private static string? Mismatch(float[][] expected, JsonElement results)
    {
        if (results.GetArrayLength() != expected.Length) return $"{results.GetArrayLength()} results for {expected.Length} rows";
        int bad = Matches(expected, results).TakeWhile(m => m).Count();
        return bad == expected.Length ? null : $"row {bad} is not what the pair named computes";
    }

    private static IEnumerable<bool> Matches(float[][] expected, JsonElement results) =>
        results.EnumerateArray().Zip(expected, (result, e) =>
            new[] { "score", "recon", "kl" }.Select((name, p) => Close(result.GetProperty(name).GetDouble(), e[p])).All(ok => ok));

    // Relative, with a floor of one nat's 1e-4 so that a kl near zero is not held to float noise.
    private static bool Close(double actual, double expected) => Math.Abs(actual - expected) <= Tolerance * Math.Max(1, Math.Max(Math.Abs(actual), Math.Abs(expected)));

    /// <summary>A JSON body of the rows keyed by column name: each cell as the file's text, null for a blank.</summary>
    private static byte[] Json(RawTable rows, int[] columns) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        rows = rows.Rows.Select(r => columns.ToDictionary(i => rows.Header[i], i => r[i].Length == 0 ? null : r[i])),
    }));

    /// <summary>A text/csv body of the same rows and columns, quoted as <c>vae score</c> writes CSV.</summary>
    private static byte[] Csv(RawTable rows, int[] columns)
    {
        var text = CsvText.AppendRecord(new StringBuilder(), columns.Select(i => rows.Header[i]));
        foreach (var r in rows.Rows) CsvText.AppendRecord(text, columns.Select(i => r[i]));
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// The batch run with a CSV body and a CSV answer, which <see cref="ServiceLoad"/> (JSON answers) does not read: each
    /// client posts until <paramref name="duration"/> has passed or it has sent 100,000; an answer counts when it is a 200
    /// with a header and one line per row. The CSV answer names no pair, so all are counted for the pair in service (no swaps run here).
    /// </summary>
    private static async Task<LoadResult> CsvBatchAsync(HttpClient client, byte[] body, int rows, int clients, TimeSpan duration, string pairId)
    {
        var errors = new ConcurrentQueue<string>();
        long errorCount = 0, answered = 0;
        var latencies = new ConcurrentBag<double[]>();
        var clock = Stopwatch.StartNew();
        async Task Client()
        {
            var times = new List<double>();
            for (int k = 0; k < 100_000 && clock.Elapsed < duration; k++)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/score") { Content = content };
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
                    using var response = await client.SendAsync(request);
                    var bytes = await response.Content.ReadAsByteArrayAsync();
                    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    int lines = bytes.Count(c => c == (byte)'\n');
                    string? problem = !response.IsSuccessStatusCode ? $"{(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}"
                        : lines != rows + 1 ? $"{lines} lines for a header and {rows} rows" : null;
                    if (problem is not null)
                    {
                        if (Interlocked.Increment(ref errorCount) <= 10) errors.Enqueue($"/score (text/csv): {problem}");
                        continue;
                    }
                    Interlocked.Increment(ref answered);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    if (Interlocked.Increment(ref errorCount) <= 10) errors.Enqueue($"/score (text/csv): {e.GetType().Name}: {e.Message}");
                }
            }
            latencies.Add(times.ToArray());
        }
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Client)));
        double seconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.SelectMany(t => t).Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        return new LoadResult(answered, answered * rows, errorCount, errors.ToArray(), new Dictionary<string, long> { [pairId] = answered },
            0, seconds, Percentile(0.5), Percentile(0.99));
    }

    /// <summary>
    /// The in-process reference: the pair's VaeTableScore fitted once on the batch rows (featurised once, as the service's
    /// chain is fitted once per pair), each pass scoring them and reading score, parts and contributions through one cursor.
    /// </summary>
    private sealed class InProcess : IDisposable
    {
        private readonly IDataView _view;
        private readonly VaeTableScoreTransformer _chain;
        private readonly int _rows;

        public InProcess(VaeModel model, RawTable rows)
        {
            _view = TableInput.Rows(rows, new TableFeaturizer(model.Table!), model.Condition).ToDataView();
            _chain = new MLContext(1).Transforms.VaeTableScore(model).Fit(_view);
            _rows = rows.Rows.Count;
        }

        /// <summary>Rows/s over passes for about two seconds (at most 10,000 passes), after one warm-up pass.</summary>
        public double RowsPerSecond()
        {
            Drain();
            var clock = Stopwatch.StartNew();
            int passes = 0;
            while (passes < 10_000 && clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                Drain();
                passes++;
            }
            return (double)passes * _rows / clock.Elapsed.TotalSeconds;
        }

        private void Drain()
        {
            const string score = VaeTableScoreEstimator.DefaultScoreColumn;
            var scored = _chain.Transform(_view);
            var names = new[] { score, VaeScoreParts.Column(score, VaeScoreParts.Reconstruction), VaeScoreParts.Column(score, VaeScoreParts.Kl) };
            var columns = names.Select(n => scored.Schema[n]).ToArray();
            var contributions = scored.Schema[VaeTableScoreEstimator.ContributionsColumn(score)];
            var anomaly = scored.Schema[VaeTableScoreEstimator.DefaultAnomalyColumn];
            using var cursor = scored.GetRowCursor([.. columns, contributions, anomaly]);
            var parts = columns.Select(c => cursor.GetGetter<float>(c)).ToArray();
            var getContributions = cursor.GetGetter<VBuffer<float>>(contributions);
            var getAnomaly = cursor.GetGetter<bool>(anomaly);
            (float value, VBuffer<float> buffer, bool flag) = (0f, default, false);
            while (cursor.MoveNext())
            {
                foreach (var part in parts) part(ref value);
                getContributions(ref buffer);
                getAnomaly(ref flag);
            }
        }

        public void Dispose() => _chain.Dispose();
    }
}
