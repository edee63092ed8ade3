using System.Text.Json.Serialization;

namespace VaeOnnx.Serving.Telemetry;

/// <summary>One endpoint's figures in <c>GET /metrics</c>.</summary>
/// <param name="Requests">Requests answered.</param>
/// <param name="Errors">Requests answered with a 4xx or 5xx status.</param>
/// <param name="Rows">Rows scored.</param>
/// <param name="P50Ms">Median latency over the window, ms.</param>
/// <param name="P99Ms">99th percentile latency over the window, ms.</param>
/// <param name="Window">Requests the percentiles are taken over (the most recent).</param>
public sealed record EndpointStatsSnapshot(
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("errors")] long Errors,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("p50_ms")] double P50Ms,
    [property: JsonPropertyName("p99_ms")] double P99Ms,
    [property: JsonPropertyName("window")] int Window);
