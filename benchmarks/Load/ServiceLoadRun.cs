using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using VaeOnnx.Cli.Bench;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Serving.Hosting;
using VaeOnnx.Serving.Load;
using VaeOnnx.Serving.Rows;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Benchmarks.Load;

/// <summary>
/// The documented load run of the service (docs/benchmarks.md): the service on Kestrel at 127.0.0.1 (a port the system
/// picks), first <c>--clients</c> clients for <c>--seconds</c> with <c>--swaps</c> hot swaps between two pairs of the same
/// shape, every answer checked against the pair it names; then the batch /score endpoint's rows/s, with JSON rows and with
/// binary float32 rows, against the in-process VaeAnomalyScore chain's, measured before, between and after them in the
/// same run. Loopback only; every loop is bounded.
/// </summary>
public static class ServiceLoadRun
{
    /// <summary>Runs with <c>--name value</c> arguments; prints a report (and JSON with --json).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var o = Arguments(args);
        string modelA = o.GetValueOrDefault("model", Path.Combine("models", "fashion-mnist-mlp")), modelB = o.GetValueOrDefault("swap-with", Path.Combine("models", "fashion-mnist-conv"));
        int clients = Int(o, "clients", 8), seconds = Int(o, "seconds", 30), swaps = Int(o, "swaps", 10), rowsPerRequest = Int(o, "rows", 16);
        int batchRows = Int(o, "batch-rows", 1024), batchSeconds = Int(o, "batch-seconds", 10), batchClients = Int(o, "batch-clients", 2);
        var a = VaeModel.Load(modelA);
        var b = VaeModel.Load(modelB);
        if (a.InputDim != b.InputDim || a.LatentDim != b.LatentDim || a.PairId == b.PairId)
            throw new ArgumentException($"{modelA} and {modelB} must be two different pairs of the same shape");
        var folder = CopyPair(modelA, "vae-load-");
        var rows = Rows(a.InputDim, Math.Max(rowsPerRequest, batchRows));
        var figures = new Dictionary<string, object?> { ["model"] = modelA, ["swap_with"] = modelB, ["machine_cores"] = Environment.ProcessorCount };
        try
        {
            await using var app = await StartService(folder);
            var host = app.Services.GetRequiredService<VaeChainHost>();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(120) };

            var small = rows[..rowsPerRequest];
            var expected = new ExpectedAnswers([a, b], small);
            LoadRequest Request(string path, bool objects) => new(path, Body(small, objects ? a.FeatureNames : null), small.Length, expected.Check(path));
            var requests = new List<LoadRequest> { Request("/score", false), Request("/encode", false) };
            if (a.FeatureNames is not null) requests.Add(Request("/score", true));
            var swapped = await ServiceLoad.RunAsync(client, new LoadPlan
            {
                Clients = clients, Duration = TimeSpan.FromSeconds(seconds), MaxRequestsPerClient = 1_000_000, Requests = requests, Swaps = swaps,
                Swap = i => Swap(host, folder, i % 2 == 1 ? modelB : modelA),
            });
            Report(figures, "swap_run", swapped);
            figures["swap_run_failed_reloads"] = host.FailedReloadCount;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{clients} clients, {seconds} s, {swapped.Swaps} hot swaps ({host.FailedReloadCount} half-replaced folders refused): {swapped.Requests:N0} requests of {rowsPerRequest} rows, {swapped.Errors} errors (wrong status, transport error, or numbers not those of the pair named), answers by pair: {string.Join(", ", swapped.PairsSeen.Select(p => $"{p.Key[..8]} {p.Value:N0}"))}; latency p50 {swapped.P50Ms:F2} ms, p99 {swapped.P99Ms:F2} ms; {swapped.RequestsPerSecond:N0} requests/s"));

            // Batch throughput on the pair now in service, alternated with the in-process chain.
            var serving = host.CurrentModel;
            var scenarios = new ScoringScenarios(serving, batchRows * 20, rows.Take(batchRows).SelectMany(r => r).ToArray());
            double inProcessBefore = InProcessRowsPerSecond(scenarios);
            var batch = rows[..batchRows];
            Task<LoadResult> Batch(bool binary) => ServiceLoad.RunAsync(client, new LoadPlan
            {
                Clients = batchClients, Duration = TimeSpan.FromSeconds(batchSeconds), MaxRequestsPerClient = 100_000,
                Requests = [new LoadRequest("/score", binary ? Binary(batch) : Body(batch, null), batch.Length, (pair, results) =>
                    pair != serving.PairId ? $"answered by {pair}" : results.GetArrayLength() != batch.Length ? $"{results.GetArrayLength()} results" : null,
                    binary ? BinaryRowsReader.ContentType : "application/json")],
            });
            var jsonRun = await Batch(binary: false);
            double inProcessMiddle = InProcessRowsPerSecond(scenarios);
            var binaryRun = await Batch(binary: true);
            double inProcessAfter = InProcessRowsPerSecond(scenarios);
            ReportBatches(figures, "in_process_score_rows_per_s", [inProcessBefore, inProcessMiddle, inProcessAfter],
                [("json", "JSON", jsonRun), ("binary", "binary float32", binaryRun)], $"{batchClients} clients x {batchRows} rows for {batchSeconds} s",
                "in-process VaeAnomalyScore chain");
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        if (o.ContainsKey("json")) Console.WriteLine(JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static double InProcessRowsPerSecond(ScoringScenarios scenarios) => scenarios.RowCount / scenarios.Chain("score").Seconds;

    /// <summary>A fresh temporary folder holding a copy of <paramref name="model"/>'s pair: the folder the run's swaps replace.</summary>
    internal static string CopyPair(string model, string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        foreach (var f in new[] { "encoder.onnx", "decoder.onnx" }) File.Copy(Path.Combine(model, f), Path.Combine(folder, f));
        return folder;
    }

    /// <summary>The service on Kestrel at a free loopback port, serving <paramref name="folder"/>, started.</summary>
    internal static async Task<WebApplication> StartService(string folder)
    {
        // Logs at Error only: the run counts the refused half-replaced folders itself, and the report goes to standard output.
        var app = VaeServingApp.Build(["--model", folder, "--urls", "http://127.0.0.1:0", "--Vae:PollIntervalMs", "100",
            "--Vae:JsonLogs", "false", "--Logging:LogLevel:Default", "Error"]);
        await app.StartAsync();
        return app;
    }

    internal static async Task Swap(VaeChainHost host, string folder, string source)
    {
        var target = VaeModel.Load(source).PairId;
        foreach (var file in new[] { "encoder.onnx", "decoder.onnx" })
        {
            var temp = Path.Combine(folder, $".{file}.tmp");
            File.Copy(Path.Combine(source, file), temp, overwrite: true);
            File.Move(temp, Path.Combine(folder, file), overwrite: true);
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (host.CurrentPairId != target)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the service did not swap to {target} within 30 s");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Records and prints the batch phase: each run's figures and its rows/s as a ratio of the fastest of the in-process
    /// measurements taken before, between and after the runs.
    /// </summary>
    internal static void ReportBatches(Dictionary<string, object?> figures, string inProcessKey, double[] inProcess,
        (string Key, string Name, LoadResult Run)[] runs, string shape, string inProcessName)
    {
        double best = inProcess.Max();
        figures[inProcessKey] = inProcess;
        foreach (var (key, name, run) in runs)
        {
            Report(figures, "batch_" + key, run);
            figures[$"batch_{key}_score_vs_in_process"] = run.RowsPerSecond / best;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batch /score ({name} rows), {shape}: {run.RowsPerSecond:N0} rows/s ({run.Errors} errors, p50 {run.P50Ms:F1} ms, p99 {run.P99Ms:F1} ms); service / in-process {run.RowsPerSecond / best:F2}"));
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{inProcessName}, before / between / after: {inProcess[0]:N0} / {inProcess[1]:N0} / {inProcess[2]:N0} rows/s (ratios use the fastest)"));
    }

    internal static void Report(Dictionary<string, object?> figures, string name, LoadResult result)
    {
        figures[$"{name}_requests"] = result.Requests;
        figures[$"{name}_rows"] = result.Rows;
        figures[$"{name}_errors"] = result.Errors;
        figures[$"{name}_first_errors"] = result.FirstErrors;
        figures[$"{name}_pairs_seen"] = result.PairsSeen;
        figures[$"{name}_swaps"] = result.Swaps;
        figures[$"{name}_seconds"] = result.Seconds;
        figures[$"{name}_p50_ms"] = result.P50Ms;
        figures[$"{name}_p99_ms"] = result.P99Ms;
        figures[$"{name}_requests_per_s"] = result.RequestsPerSecond;
        figures[$"{name}_rows_per_s"] = result.RowsPerSecond;
    }

    /// <summary>Fashion-MNIST test images (Debian's package, else the shipped sample) for 784-feature pairs, else standard normal rows.</summary>
    private static float[][] Rows(int width, int count)
    {
        float[]? images = null;
        if (width == 784)
        {
            var folder = MnistFamilyFolder.Contains(MnistFamilyFolder.DefaultFashionMnistFolder) ? MnistFamilyFolder.DefaultFashionMnistFolder : Path.Combine("samples", "fashion-mnist");
            images = MnistFamilyFolder.Load(folder).Test.Features;
        }
        var random = new Random(1);
        return Enumerable.Range(0, count).Select(r => Enumerable.Range(0, width)
            .Select(j => images is null ? (float)VaeModel.StandardNormal(random) : images[(r * width + j) % images.Length]).ToArray()).ToArray();
    }

    private static byte[] Body(float[][] rows, IReadOnlyList<string>? names) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        rows = rows.Select(r => names is null ? (object)r : names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => r[p.i])),
    }));

    private static byte[] Binary(float[][] rows)
    {
        var bytes = new byte[rows.Length * rows[0].Length * sizeof(float)];
        int offset = 0;
        foreach (var v in rows.SelectMany(r => r))
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), v);
            offset += sizeof(float);
        }
        return bytes;
    }

    internal static Dictionary<string, string> Arguments(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{args[i]}'; expected --name value");
            var name = args[i][2..];
            result[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
        return result;
    }

    internal static int Int(Dictionary<string, string> o, string name, int fallback) =>
        o.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
