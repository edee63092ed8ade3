using System.Text.Json.Serialization;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>A row of /sample.</summary>
/// <param name="Z">The draw from the prior, L numbers.</param>
/// <param name="XHat">Its decoding, D numbers.</param>
public sealed record SampleResultDoc([property: JsonPropertyName("z")] float[] Z, [property: JsonPropertyName("x_hat")] float[] XHat);
