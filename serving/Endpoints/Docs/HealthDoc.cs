using System.Text.Json.Serialization;
using VaeOnnx.Inference.Serving;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>The answer of GET /health.</summary>
/// <param name="Status">"ok" while a pair is served.</param>
/// <param name="PairId">The pair served.</param>
/// <param name="ModelFolder">The folder watched.</param>
/// <param name="LoadedUtc">When the pair in service was loaded.</param>
/// <param name="Swaps">Pairs swapped in since start.</param>
/// <param name="FailedReloads">Changes of the folder that were not swapped in (the old pair stayed).</param>
/// <param name="LastReloadError">Why the last reload failed, until the next swap.</param>
public sealed record HealthDoc(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("pair_id")] string PairId,
    [property: JsonPropertyName("model_folder")] string ModelFolder,
    [property: JsonPropertyName("loaded_utc")] DateTime LoadedUtc,
    [property: JsonPropertyName("swaps")] int Swaps,
    [property: JsonPropertyName("failed_reloads")] int FailedReloads,
    [property: JsonPropertyName("last_reload_error")] string? LastReloadError)
{
    internal static HealthDoc Of(VaeChainHost host) =>
        new("ok", host.CurrentPairId, host.ModelFolder, host.LoadedUtc, host.SwapCount, host.FailedReloadCount, host.LastReloadFailure?.Message);
}
