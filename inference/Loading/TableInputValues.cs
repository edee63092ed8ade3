using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Loading;

/// <summary>ONNX Runtime values for a table encoder's column inputs.</summary>
internal static class TableInputValues
{
    /// <summary>A [rows,1] string tensor of <paramref name="texts"/>' first <paramref name="rows"/> cells (null reads as blank); the caller disposes it.</summary>
    public static OrtValue Strings(string?[] texts, int rows)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, [rows, 1]);
        for (int i = 0; i < rows; i++) value.StringTensorSetElementAt((texts[i] ?? "").AsSpan(), i);
        return value;
    }

    /// <summary>A column of <paramref name="rows"/> ordinary values of <paramref name="column"/>, for the load probe.</summary>
    public static OrtValue Typical(TableColumn column, int rows) => column.IsText
        ? Strings(Enumerable.Repeat(column.TypicalText(), rows).ToArray(), rows)
        : OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(column.Offset, rows).ToArray(), [rows, 1]);
}
