using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>The VaeOnnx metadata of the served pair in GET /model.</summary>
/// <param name="Dataset">Data set trained on.</param>
/// <param name="TestNegElbo">Test negative ELBO, nats per sample.</param>
/// <param name="IwLogPx">Importance-weighted log p(x), nats per sample.</param>
/// <param name="Architecture">The architecture.</param>
/// <param name="TrainingConfig">The training configuration.</param>
/// <param name="Scaling">The input scaling baked into the graphs (min_max, standardize), or null for none.</param>
public sealed record ModelMetadataDoc(
    [property: JsonPropertyName("dataset")] string? Dataset,
    [property: JsonPropertyName("test_neg_elbo")] double? TestNegElbo,
    [property: JsonPropertyName("iw_log_px")] double? IwLogPx,
    [property: JsonPropertyName("architecture")] JsonElement? Architecture,
    [property: JsonPropertyName("training_config")] JsonElement? TrainingConfig,
    [property: JsonPropertyName("scaling")] string? Scaling);
