using System.Text.Json.Serialization;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>A row of /encode.</summary>
/// <param name="Mu">Posterior mean, L numbers.</param>
/// <param name="LogVar">Posterior log-variance, L numbers.</param>
public sealed record EncodeResultDoc([property: JsonPropertyName("mu")] float[] Mu, [property: JsonPropertyName("logvar")] float[] LogVar);
