using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>The answer of POST /synthesize: rows keyed by the training file's column names (numbers as numbers, flags and categories as the file spelled them, a blank cell as null).</summary>
/// <param name="PairId">The pair that drew them.</param>
/// <param name="Rows">The rows.</param>
public sealed record SynthesizeResultDoc(
    [property: JsonPropertyName("pair_id")] string PairId,
    [property: JsonPropertyName("rows")] IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> Rows);
