using System.Text.Json.Serialization;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>A row of /score (a value that is not finite is null).</summary>
/// <param name="Score">-log p(x | z = mu) + KL; higher is more unusual.</param>
/// <param name="Recon">The reconstruction term, in the scaled space.</param>
/// <param name="Kl">KL(q(z|x) || N(0, I)).</param>
/// <param name="SqErr">Sum of squared differences between x and its reconstruction, raw units.</param>
public sealed record ScoreResultDoc(
    [property: JsonPropertyName("score")] float? Score,
    [property: JsonPropertyName("recon")] float? Recon,
    [property: JsonPropertyName("kl")] float? Kl,
    [property: JsonPropertyName("sqerr")] float? SqErr);
