namespace VaeOnnx.Serving.Endpoints;

/// <summary>One field of a result row: its JSON name and the chain's output column it is read from.</summary>
/// <param name="Json">The JSON property name.</param>
/// <param name="Column">The ML.NET column.</param>
internal sealed record ResultField(string Json, string Column);
