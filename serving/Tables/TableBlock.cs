using System.Globalization;
using VaeOnnx.Contract;
using VaeOnnx.Inference;
using VaeOnnx.Serving.Rows;
using VaeOnnx.Tables;

namespace VaeOnnx.Serving.Tables;

/// <summary>
/// Rows of a table pair being read from a JSON request, cell by cell, into the arrays <see cref="VaeTableRows"/> holds:
/// the conversion <see cref="TableFeaturizer.GraphInputs"/> makes of a CSV file's cells for <c>vae score</c>. Numbers are parsed in the invariant culture, dates (JSON strings) in
/// the column's format (<see cref="TableDates"/>), and a missing
/// spelling (empty, NA, null, ...) or a JSON null is a blank cell; flags and categories are kept as text, so a value
/// never seen in training is scored as unknown, not refused; a condition must be one of the pair's classes. A cell that
/// cannot be read is a <see cref="BadRequestException"/> naming where it is (<c>rows[3]</c> or <c>line 7</c>), the column,
/// the value and what was expected.
/// </summary>
internal sealed class TableBlock
{
    private readonly TableSchema _schema;
    private readonly ConditionSpec? _condition;
    private readonly HashSet<string>? _classes;
    private readonly Array[] _columns;
    private readonly string[]? _conditions;

    public TableBlock(TableColumns columns, int capacity)
    {
        (_schema, _condition) = (columns.Schema, columns.Condition);
        _columns = _schema.Columns.Select(c => c.IsText ? (Array)new string[capacity] : new float[capacity]).ToArray();
        if (_condition is not null)
        {
            _conditions = new string[capacity];
            _classes = _condition.Classes.ToHashSet(StringComparer.Ordinal);
        }
        Capacity = capacity;
    }

    /// <summary>Rows the block holds at most.</summary>
    public int Capacity { get; }

    /// <summary>A cell given as text (a CSV cell or a JSON string), trimmed as the CSV reader trims it.</summary>
    public void SetText(int row, int column, string text, string where)
    {
        text = text.Trim();
        if (column == _columns.Length)
        {
            SetCondition(row, text, where);
            return;
        }
        var c = _schema.Columns[column];
        if (c.IsText)
        {
            ((string[])_columns[column])[row] = text;
            return;
        }
        float value;
        if (_schema.IsMissing(text)) value = float.NaN;
        else if (c.IsDate) value = TableDates.TryDays(c, text, out float days) ? days
            : throw new BadRequestException($"{where}, column '{c.Name}': {TableDates.NotADate(c, text)} (or null or an empty value for a missing one)");
        else if (!ColumnTypeInference.TryNumber(text, out double parsed))
            throw new BadRequestException($"{where}, column '{c.Name}': '{text}' is not a number; expected {EnumText.Of(c.Kind)} values like 1.5 (or null or an empty value for a missing one)");
        else value = Float(parsed, text, c, where);
        ((float[])_columns[column])[row] = value;
    }

    /// <summary>A JSON number: the value of a numeric column, or the text of a category or condition (integer codes).</summary>
    public void SetNumber(int row, int column, double value, string raw, string where)
    {
        if (column < _columns.Length && _schema.Columns[column] is { IsDate: true } date)
            throw new BadRequestException($"{where}, column '{date.Name}': {raw} is a JSON number; expected a date as a JSON string like \"{TableDates.Text(date, date.Max)}\" ({date.DateFormat})");
        if (column < _columns.Length && !_schema.Columns[column].IsText)
            ((float[])_columns[column])[row] = Float(value, raw, _schema.Columns[column], where);
        else SetText(row, column, double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : raw, where);
    }

    /// <summary>A JSON boolean: a flag in the training file's spellings; refused in a numeric column.</summary>
    public void SetFlag(int row, int column, bool value, string where)
    {
        if (column == _columns.Length)
        {
            SetCondition(row, value ? "true" : "false", where);
            return;
        }
        var c = _schema.Columns[column];
        if (!c.IsText) throw new BadRequestException($"{where}, column '{c.Name}': {(value ? "true" : "false")} is a boolean; expected {EnumText.Of(c.Kind)} values like 1.5 (or null for a missing one)");
        ((string[])_columns[column])[row] = c.Kind == ColumnKind.Boolean ? value ? c.TrueText! : c.FalseText! : value ? "true" : "false";
    }

    /// <summary>A blank cell (JSON null); a condition cannot be blank.</summary>
    public void SetBlank(int row, int column, string where)
    {
        if (column == _columns.Length) SetCondition(row, "", where);
        else if (_columns[column] is float[] numbers) numbers[row] = float.NaN;
        else ((string[])_columns[column])[row] = "";
    }

    /// <summary>The first <paramref name="count"/> rows.</summary>
    public VaeTableRows ToRows(int count)
    {
        var columns = _columns.Select(a => Resize(a, count)).ToArray();
        return _condition is null ? new VaeTableRows(_schema, columns) : new VaeTableRows(_schema, columns, _condition.Column, (string[])Resize(_conditions!, count));
    }

    private static Array Resize(Array array, int count)
    {
        if (array.Length == count) return array;
        var resized = Array.CreateInstance(array.GetType().GetElementType()!, count);
        Array.Copy(array, resized, count);
        return resized;
    }

    private void SetCondition(int row, string text, string where)
    {
        if (!_classes!.Contains(text))
            throw new BadRequestException($"{where}, condition column '{_condition!.Column}': '{text}' is not a category the model was trained on; expected one of {string.Join(", ", _condition.Classes)}");
        _conditions![row] = text;
    }

    private static float Float(double value, string raw, TableColumn column, string where)
    {
        float f = (float)value;
        if (!float.IsFinite(f)) throw new BadRequestException($"{where}, column '{column.Name}': '{raw}' is outside the float32 range; expected {EnumText.Of(column.Kind)} values like 1.5");
        return f;
    }
}
