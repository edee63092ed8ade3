using System.Text.Json;

namespace VaeOnnx.Serving.Load;

/// <summary>One request a load client sends, and how to check its answer.</summary>
/// <param name="Path">The route, e.g. /score.</param>
/// <param name="Body">The JSON body.</param>
/// <param name="Rows">Rows it carries.</param>
/// <param name="Check">Given the answer's pair id and results, null when they are what that pair computes, else what is wrong.</param>
/// <param name="ContentType">The body's content type: JSON, or application/octet-stream for binary rows.</param>
public sealed record LoadRequest(string Path, byte[] Body, int Rows, Func<string, JsonElement, string?> Check, string ContentType = "application/json");
