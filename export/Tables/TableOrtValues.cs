using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Export.Tables;

/// <summary>ONNX Runtime values of a table column for the encoder graph: float [N,1] or string [N,1].</summary>
internal static class TableOrtValues
{
    /// <summary>A new value (the caller disposes it) holding <paramref name="column"/>: a float[] or a string[] of <paramref name="rows"/> cells.</summary>
    public static OrtValue Column(Array column, int rows)
    {
        if (column is float[] numbers) return OrtValue.CreateTensorValueFromMemory(numbers, [rows, 1]);
        var texts = (string[])column;
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, [rows, 1]);
        for (int i = 0; i < rows; i++) value.StringTensorSetElementAt(texts[i].AsSpan(), i);
        return value;
    }
}
