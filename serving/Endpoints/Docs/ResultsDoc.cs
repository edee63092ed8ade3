using System.Text.Json.Serialization;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>An answer: the pair that computed every result, and one result per request row, in order.</summary>
/// <typeparam name="T">The result row.</typeparam>
/// <param name="PairId">The pair id.</param>
/// <param name="Results">The results.</param>
public sealed record ResultsDoc<T>([property: JsonPropertyName("pair_id")] string PairId, [property: JsonPropertyName("results")] IReadOnlyList<T> Results);
