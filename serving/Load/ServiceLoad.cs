using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace VaeOnnx.Serving.Load;

/// <summary>
/// Drives a running service over HTTP with a <see cref="LoadPlan"/>: concurrent clients in bounded loops, hot swaps in
/// between, every answer checked against what the pair it names computes (so a mixed-up answer counts as an error).
/// Used by the load test and by the documented load run (docs/benchmarks.md). Point it only at a service on this machine.
/// </summary>
public static class ServiceLoad
{
    /// <summary>Runs the plan against <paramref name="client"/> (its base address is the service).</summary>
    public static async Task<LoadResult> RunAsync(HttpClient client, LoadPlan plan)
    {
        var errors = new ConcurrentQueue<string>();
        long errorCount = 0, requests = 0, rows = 0;
        var pairs = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double[]>();
        var clock = Stopwatch.StartNew();
        void Fail(string message)
        {
            Interlocked.Increment(ref errorCount);
            if (errors.Count < 10) errors.Enqueue(message);
        }
        async Task Client(int index)
        {
            var times = new List<double>();
            for (int k = 0; k < plan.MaxRequestsPerClient && clock.Elapsed < plan.Duration; k++)
            {
                var request = plan.Requests[(index + k) % plan.Requests.Count];
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new ByteArrayContent(request.Body);
                    content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType);
                    using var response = await client.PostAsync(request.Path, content);
                    var bytes = await response.Content.ReadAsByteArrayAsync();
                    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    if (!response.IsSuccessStatusCode)
                    {
                        Fail($"{request.Path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
                        continue;
                    }
                    using var answer = JsonDocument.Parse(bytes);
                    var pairId = answer.RootElement.GetProperty("pair_id").GetString() ?? "";
                    if (request.Check(pairId, answer.RootElement.GetProperty("results")) is { } problem)
                    {
                        Fail($"{request.Path} answered by {pairId}: {problem}");
                        continue;
                    }
                    pairs.AddOrUpdate(pairId, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref requests);
                    Interlocked.Add(ref rows, request.Rows);
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or TaskCanceledException)
                {
                    Fail($"{request.Path}: {e.GetType().Name}: {e.Message}");
                }
            }
            latencies.Add(times.ToArray());
        }
        async Task Swapper()
        {
            if (plan.Swap is null) return;
            for (int i = 1; i <= plan.Swaps; i++)
            {
                var due = plan.Duration * i / (plan.Swaps + 1);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
                await plan.Swap(i);
            }
        }
        var clients = Enumerable.Range(0, plan.Clients).Select(i => Task.Run(() => Client(i))).ToArray();
        var swapper = Task.Run(Swapper);
        await Task.WhenAll(clients);
        await swapper;
        double seconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.SelectMany(t => t).Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        return new LoadResult(requests, rows, errorCount, errors.ToArray(), pairs, plan.Swap is null ? 0 : plan.Swaps, seconds, Percentile(0.5), Percentile(0.99));
    }
}
