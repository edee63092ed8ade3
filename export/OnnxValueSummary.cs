namespace VaeOnnx.Export;

/// <summary>A graph input or output: name, element type and dimensions (numbers, or symbolic names such as "N").</summary>
/// <param name="Name">Value name.</param>
/// <param name="ElementType">ONNX element type name, e.g. FLOAT.</param>
/// <param name="Dims">Dimensions; "?" where neither a size nor a name is given.</param>
public sealed record OnnxValueSummary(string Name, string ElementType, IReadOnlyList<string> Dims)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Dims)}]";
}
