using System.Text.Json.Serialization;
using VaeOnnx.Serving.Rows;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>One input feature in GET /model.</summary>
/// <param name="Index">Position in an array row.</param>
/// <param name="Name">Key in an object row (null for image models).</param>
/// <param name="Kind">How the value is given: "numeric"; a table pair's columns "numeric", "integer", "boolean" or "categorical".</param>
public sealed record FeatureDoc(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("kind")] string Kind)
{
    internal static FeatureDoc Of(FeatureColumn column) => new(column.Index, column.Name, column.Kind.ToString().ToLowerInvariant());
}
