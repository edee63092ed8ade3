using VaeOnnx.Contract;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>
/// The input of a table pair: one ML.NET column per schema column, by name, converted to what the encoder graph takes.
/// Flags and categories become text: text as given (trimmed; empty is blank), booleans in the file's spellings, numbers in
/// invariant form (integer codes declared categorical). Numbers become float32: Single, Double and integer columns as they
/// are (NaN is blank), booleans as 1 or 0, text parsed in the invariant culture (empty is blank; anything else that is not
/// a number is refused, naming the row, the column, the value and the expected kind).
/// </summary>
internal sealed class TableRowInput : IRowInput
{
    private readonly Action<ScoringBuffers, int>[] _store;

    public TableRowInput(DataViewRow row, TableSchema schema, IReadOnlyList<DataViewSchema.Column> columns)
    {
        _store = schema.Columns.Select((c, j) => Store(row, schema, c, columns[j], j)).ToArray();
    }

    public void Store(ScoringBuffers buffers, int slot)
    {
        foreach (var store in _store) store(buffers, slot);
    }

    /// <summary>The ML.NET types a table column may arrive in.</summary>
    public static bool Accepts(DataViewType type) =>
        type is TextDataViewType or BooleanDataViewType
        || type == NumberDataViewType.Single || type == NumberDataViewType.Double
        || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64;

    private static Action<ScoringBuffers, int> Store(DataViewRow row, TableSchema schema, TableColumn column, DataViewSchema.Column source, int index)
    {
        var read = Reader(row, source);
        if (column.IsText)
            return (buffers, slot) => ((string?[])buffers.TableColumns[index])[slot] = Text(read(), column);
        return (buffers, slot) => ((float[])buffers.TableColumns[index])[slot] = Number(read(), schema, column, source, row);
    }

    private static Func<object?> Reader(DataViewRow row, DataViewSchema.Column source)
    {
        switch (source.Type)
        {
            case TextDataViewType:
                var text = row.GetGetter<ReadOnlyMemory<char>>(source);
                return () => { ReadOnlyMemory<char> v = default; text(ref v); return v.Span.Trim().ToString(); };
            case BooleanDataViewType:
                var flag = row.GetGetter<bool>(source);
                return () => { bool v = false; flag(ref v); return v; };
            default:
                if (source.Type == NumberDataViewType.Single) return Number<float>(row, source, v => v);
                if (source.Type == NumberDataViewType.Double) return Number<double>(row, source, v => (float)v);
                if (source.Type == NumberDataViewType.Int32) return Number<int>(row, source, v => v);
                return Number<long>(row, source, v => v);
        }
    }

    private static Func<object?> Number<T>(DataViewRow row, DataViewSchema.Column source, Func<T, float> convert)
    {
        var getter = row.GetGetter<T>(source);
        return () => { T v = default!; getter(ref v); return convert(v); };
    }

    private static string Text(object? value, TableColumn column) => value switch
    {
        string s => s,
        bool b => b ? column.TrueText ?? "true" : column.FalseText ?? "false",
        float f => float.IsNaN(f) ? "" : f.ToString("R", CultureInfo.InvariantCulture),
        _ => "",
    };

    private static float Number(object? value, TableSchema schema, TableColumn column, DataViewSchema.Column source, DataViewRow row) => value switch
    {
        float f => f,
        bool b => b ? 1f : 0f,
        string s when schema.IsMissing(s) => float.NaN,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) => (float)v,
        string s => throw new InvalidDataException($"row {row.Position}, column '{source.Name}': '{s}' is not a number; expected {EnumText.Of(column.Kind)} values like 1.5 (or an empty value for a missing one)"),
        _ => float.NaN,
    };
}
