using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>
/// The body of the row endpoints: each row an array of the model's values in input order, or (table models) an object
/// keyed by feature name, e.g. <c>{"rows": [[20.1, 998.0, 0.1, 3.2, 1.0], {"temp": 20.1, "pressure": 998.0, "1": 0.1, "flow": 3.2, "2": 1.0}]}</c>.
/// /decode takes latent rows of L numbers. The same rows may be sent as <c>application/octet-stream</c>: float32
/// little-endian, row after row (rows x width x 4 bytes), which a large batch of wide rows reads much faster.
/// A conditional pair's rows take their condition by value name: <c>"condition": "Sneaker"</c> for every row, or an
/// array of one value per row (binary rows: <c>?condition=Sneaker</c>).
/// </summary>
/// <param name="Rows">The rows.</param>
/// <param name="Condition">Conditional pairs: a value of the pair's condition (GET /model lists them), or one per row.</param>
public sealed record RowsRequestDoc(
    [property: JsonPropertyName("rows")] IReadOnlyList<JsonElement> Rows,
    [property: JsonPropertyName("condition")] JsonElement? Condition = null);
