using System.Globalization;

namespace VaeOnnx.Contract.Onnx;

/// <summary>A graph input or output as the file declares it.</summary>
/// <param name="Name">Value name.</param>
/// <param name="ElementType">ONNX element type name, e.g. FLOAT; NON-TENSOR for sequences and maps.</param>
/// <param name="Dims">Dimensions: the fixed size, or -1 for a symbolic or unknown one. Empty when no shape is declared.</param>
/// <param name="DimNames">Dimensions as text: the size, the symbolic name (e.g. "N"), or "?" when neither is given.</param>
public sealed record OnnxValueInfo(string Name, string ElementType, IReadOnlyList<long> Dims, IReadOnlyList<string> DimNames)
{
    /// <summary>The ONNX element type code of 32-bit floats.</summary>
    public const string Float = "FLOAT";

    /// <summary>The ONNX element type code of strings.</summary>
    public const string String = "STRING";

    /// <summary>True when the value is a string tensor.</summary>
    public bool IsString => ElementType == String;

    /// <summary>True when the value is a float32 tensor.</summary>
    public bool IsFloat => ElementType == Float;

    /// <summary>Dimensions as [N,784], with "N" for every symbolic one.</summary>
    public string ShapeText => $"[{string.Join(",", Dims.Select(d => d < 0 ? "N" : d.ToString(CultureInfo.InvariantCulture)))}]";

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", DimNames)}]";
}
