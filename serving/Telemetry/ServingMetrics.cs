using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace VaeOnnx.Serving.Telemetry;

/// <summary>
/// Requests, rows and latency per endpoint: published as .NET metrics on the meter <see cref="MeterName"/> (for
/// dotnet-counters, OpenTelemetry, Prometheus exporters) and kept as counts and a window of recent latencies for
/// <c>GET /metrics</c>.
/// </summary>
public sealed class ServingMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "VaeOnnx.Serving";

    private readonly Meter _meter;
    private readonly Counter<long> _requests, _rows;
    private readonly Histogram<double> _latency;
    private readonly ConcurrentDictionary<string, EndpointStats> _endpoints = new(StringComparer.Ordinal);

    /// <summary>Creates the meter and its instruments.</summary>
    public ServingMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _requests = _meter.CreateCounter<long>("vaeonnx.requests", "{request}", "Requests answered, by endpoint and status code.");
        _rows = _meter.CreateCounter<long>("vaeonnx.rows", "{row}", "Rows scored, by endpoint.");
        _latency = _meter.CreateHistogram<double>("vaeonnx.request.duration", "ms", "Time from the request's arrival to its answer, by endpoint.");
    }

    /// <summary>Records one answered request.</summary>
    public void Record(string endpoint, int status, int rows, double milliseconds)
    {
        var tags = new KeyValuePair<string, object?>[] { new("endpoint", endpoint), new("status", status) };
        _requests.Add(1, tags);
        if (rows > 0) _rows.Add(rows, tags[0]);
        _latency.Record(milliseconds, tags);
        _endpoints.GetOrAdd(endpoint, _ => new EndpointStats()).Record(status, rows, milliseconds);
    }

    /// <summary>Counts and latency percentiles per endpoint since start.</summary>
    public IReadOnlyDictionary<string, EndpointStatsSnapshot> Snapshot() =>
        _endpoints.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value.Snapshot());

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
