using System.Text.Json.Serialization;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>A row of /reconstruct or /decode.</summary>
/// <param name="XHat">Decoder output, D numbers in raw units (Bernoulli probabilities or the Gaussian mean).</param>
public sealed record ReconstructResultDoc([property: JsonPropertyName("x_hat")] float[] XHat);
