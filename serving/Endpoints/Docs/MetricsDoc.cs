using System.Text.Json.Serialization;
using VaeOnnx.Serving.Telemetry;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>The answer of GET /metrics.</summary>
/// <param name="PairId">The pair served now.</param>
/// <param name="Swaps">Pairs swapped in since start.</param>
/// <param name="FailedReloads">Folder changes not swapped in.</param>
/// <param name="Endpoints">Figures per endpoint.</param>
public sealed record MetricsDoc(
    [property: JsonPropertyName("pair_id")] string PairId,
    [property: JsonPropertyName("swaps")] int Swaps,
    [property: JsonPropertyName("failed_reloads")] int FailedReloads,
    [property: JsonPropertyName("endpoints")] IReadOnlyDictionary<string, EndpointStatsSnapshot> Endpoints);
