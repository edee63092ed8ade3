namespace VaeOnnx.Serving.Rows;

/// <summary>One feature of the model's input: its name (null for image models), its position in the input vector and its kind.</summary>
/// <param name="Name">The feature name from the pair's metadata, or null.</param>
/// <param name="Index">Position in the input vector.</param>
/// <param name="Kind">How its value is read.</param>
public sealed record FeatureColumn(string? Name, int Index, FeatureKind Kind);
