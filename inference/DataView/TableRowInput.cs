using VaeOnnx.Contract;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>
/// The input of a table pair: one ML.NET column per schema column, by name, converted to what the encoder graph takes.
/// Flags and categories become text: text as given (trimmed; empty is blank), booleans in the file's spellings, numbers in
/// invariant form (integer codes declared categorical). Dates become float32 days since the column's origin, read from
/// text in the column's format (see <see cref="TableDates"/>) or from a DateTime column (taken as UTC). Numbers become float32: Single, Double and integer columns as they
/// are (NaN is blank), booleans as 1 or 0, text parsed in the invariant culture (empty is blank; anything else that is not
/// a number is refused, naming the row, the column, the value and the expected kind). A conditional table pair's condition
/// is read from its own column as text (numbers in invariant form) and stored as the one-hot c; a value that is not one of
/// the condition's classes is refused, naming the row, the column and the classes.
/// </summary>
internal sealed class TableRowInput : IRowInput
{
    private readonly Action<ScoringBuffers, int>[] _store;

    public TableRowInput(DataViewRow row, TableSchema schema, IReadOnlyList<DataViewSchema.Column> columns, ConditionSpec? condition = null)
    {
        _store = schema.Columns.Select((c, j) => c.IsText ? StoreText(row, c, columns[j], j) : StoreNumber(row, schema, c, columns[j], j)).ToArray();
        if (condition is not null) _store = [.. _store, StoreCondition(row, condition, columns[schema.Columns.Count])];
    }

    /// <summary>The row's condition as the one-hot c of its class.</summary>
    private static Action<ScoringBuffers, int> StoreCondition(DataViewRow row, ConditionSpec condition, DataViewSchema.Column source)
    {
        var read = TextReader(row, new TableColumn { Name = condition.Column, Kind = ColumnKind.Categorical }, source);
        var code = condition.Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        int k = condition.Dim;
        return (buffers, slot) =>
        {
            var value = read();
            if (!code.TryGetValue(value, out int index))
                throw new InvalidDataException($"row {row.Position}, condition column '{source.Name}': '{value}' is not a category the model was trained on; expected one of {string.Join(", ", condition.Classes)}");
            var c = buffers.Condition.AsSpan(slot * k, k);
            c.Clear();
            c[index] = 1f;
        };
    }

    public void Store(ScoringBuffers buffers, int slot)
    {
        foreach (var store in _store) store(buffers, slot);
    }

    /// <summary>The ML.NET types a table column may arrive in (DateTime for date columns only, see <see cref="Accepts(DataViewType, ColumnKind)"/>).</summary>
    public static bool Accepts(DataViewType type) =>
        type is TextDataViewType or BooleanDataViewType or DateTimeDataViewType
        || type == NumberDataViewType.Single || type == NumberDataViewType.Double
        || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64;

    /// <summary>Whether a column of <paramref name="kind"/> may be read from <paramref name="type"/>: a DateTime only into a date or date-time column.</summary>
    public static bool Accepts(DataViewType type, ColumnKind kind) =>
        Accepts(type) && (type is not DateTimeDataViewType || kind is ColumnKind.Date or ColumnKind.DateTime);

    /// <summary>The types <see cref="Accepts(DataViewType, ColumnKind)"/> takes for <paramref name="kind"/>, for error messages.</summary>
    public static string AcceptedTypes(ColumnKind kind) =>
        kind is ColumnKind.Date or ColumnKind.DateTime ? "Text (in the column's date format), DateTime, Single (days since the origin), Double, Int32 or Int64" : "Text, Boolean, Single, Double, Int32 or Int64";

    /// <summary>A flag or category cell as the encoder's text.</summary>
    private static Action<ScoringBuffers, int> StoreText(DataViewRow row, TableColumn column, DataViewSchema.Column source, int index)
    {
        var read = TextReader(row, column, source);
        return (buffers, slot) => ((string?[])buffers.TableColumns[index])[slot] = read();
    }

    /// <summary>A reader of a text cell: text trimmed, booleans in the column's spellings, numbers in invariant form ("" when NaN).</summary>
    private static Func<string> TextReader(DataViewRow row, TableColumn column, DataViewSchema.Column source)
    {
        Func<string> read;
        switch (source.Type)
        {
            case TextDataViewType:
                var text = row.GetGetter<ReadOnlyMemory<char>>(source);
                read = () => { ReadOnlyMemory<char> v = default; text(ref v); return v.Span.Trim().ToString(); };
                break;
            case BooleanDataViewType:
                var flag = row.GetGetter<bool>(source);
                string yes = column.TrueText ?? "true", no = column.FalseText ?? "false";
                read = () => { bool v = false; flag(ref v); return v ? yes : no; };
                break;
            default:
                var number = NumberReader(row, source);
                read = () =>
                {
                    float f = number();
                    return float.IsNaN(f) ? "" : f.ToString("R", CultureInfo.InvariantCulture);
                };
                break;
        }
        return read;
    }

    /// <summary>A numeric or integer cell as the encoder's float (NaN for blank).</summary>
    private static Action<ScoringBuffers, int> StoreNumber(DataViewRow row, TableSchema schema, TableColumn column, DataViewSchema.Column source, int index)
    {
        Func<float> read;
        switch (source.Type)
        {
            case TextDataViewType:
                var text = row.GetGetter<ReadOnlyMemory<char>>(source);
                read = () =>
                {
                    ReadOnlyMemory<char> v = default;
                    text(ref v);
                    var s = v.Span.Trim();
                    if (column.IsDate) return DateDays(row, schema, column, source, s.ToString());
                    if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed)) return (float)parsed;
                    var cell = s.ToString();
                    if (schema.IsMissing(cell)) return float.NaN;
                    throw new InvalidDataException($"row {row.Position}, column '{source.Name}': '{cell}' is not a number; expected {EnumText.Of(column.Kind)} values like 1.5 (or an empty value for a missing one)");
                };
                break;
            case BooleanDataViewType:
                var flag = row.GetGetter<bool>(source);
                read = () => { bool v = false; flag(ref v); return v ? 1f : 0f; };
                break;
            case DateTimeDataViewType:
                var date = row.GetGetter<DateTime>(source);
                read = () => { DateTime v = default; date(ref v); return TableDates.Days(column, v); };
                break;
            default:
                read = NumberReader(row, source);
                break;
        }
        return (buffers, slot) => ((float[])buffers.TableColumns[index])[slot] = read();
    }

    /// <summary>A date column's text cell as days since the column's origin (NaN for blank); anything else is refused, naming the row.</summary>
    private static float DateDays(DataViewRow row, TableSchema schema, TableColumn column, DataViewSchema.Column source, string cell)
    {
        if (TableDates.TryDays(column, cell, out float days)) return days;
        if (schema.IsMissing(cell)) return float.NaN;
        throw new InvalidDataException($"row {row.Position}, column '{source.Name}': {TableDates.NotADate(column, cell)} (or an empty value for a missing one)");
    }

    private static Func<float> NumberReader(DataViewRow row, DataViewSchema.Column source)
    {
        if (source.Type == NumberDataViewType.Single) return Number<float>(row, source, v => v);
        if (source.Type == NumberDataViewType.Double) return Number<double>(row, source, v => (float)v);
        if (source.Type == NumberDataViewType.Int32) return Number<int>(row, source, v => v);
        return Number<long>(row, source, v => v);
    }

    private static Func<float> Number<T>(DataViewRow row, DataViewSchema.Column source, Func<T, float> convert)
    {
        var getter = row.GetGetter<T>(source);
        return () => { T v = default!; getter(ref v); return convert(v); };
    }
}
