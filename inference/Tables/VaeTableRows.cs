using VaeOnnx.Contract;
using System.Globalization;
using Microsoft.ML;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference;

/// <summary>
/// Rows of a table model's columns, held by column: a float[] per numeric, integer or date column (NaN for a blank cell; a
/// date as days since its <see cref="TableColumn.Origin"/>) and a
/// string[] per flag or category column ("" for a blank cell, flags in the file's spellings). What a synthesizer returns,
/// and a way to hand rows with a schema known only at run time to <see cref="VaeCatalogExtensions.VaeTableScore"/>.
/// Rows of a conditional table pair also hold the condition of every row (<see cref="Conditions"/>), a last text column
/// named <see cref="ConditionColumn"/>.
/// </summary>
public sealed class VaeTableRows
{
    /// <summary>Wraps <paramref name="columns"/>, one per column of <paramref name="schema"/>, each of the same length.</summary>
    public VaeTableRows(TableSchema schema, IReadOnlyList<Array> columns)
    {
        if (columns.Count != schema.Columns.Count) throw new ArgumentException($"{columns.Count} columns for a schema of {schema.Columns.Count}", nameof(columns));
        for (int j = 0; j < columns.Count; j++)
        {
            var column = schema.Columns[j];
            bool ok = column.IsText ? columns[j] is string[] : columns[j] is float[];
            if (!ok) throw new ArgumentException($"column '{column.Name}' must be {(column.IsText ? "a string[]" : "a float[]")}", nameof(columns));
            if (columns[j].Length != columns[0].Length) throw new ArgumentException($"column '{column.Name}' has {columns[j].Length} rows; column '{schema.Columns[0].Name}' has {columns[0].Length}", nameof(columns));
        }
        (Schema, Columns, Count) = (schema, columns, columns.Count == 0 ? 0 : columns[0].Length);
    }

    /// <summary>
    /// Wraps <paramref name="columns"/> and the condition of every row, <paramref name="conditions"/> (text, one per row),
    /// read from or written to the column <paramref name="conditionColumn"/>.
    /// </summary>
    public VaeTableRows(TableSchema schema, IReadOnlyList<Array> columns, string conditionColumn, string[] conditions) : this(schema, columns)
    {
        ArgumentException.ThrowIfNullOrEmpty(conditionColumn);
        ArgumentNullException.ThrowIfNull(conditions);
        if (schema.Column(conditionColumn) is not null) throw new ArgumentException($"condition column '{conditionColumn}' is also a feature column", nameof(conditionColumn));
        if (columns.Count > 0 && conditions.Length != Count)
            throw new ArgumentException($"{conditions.Length} conditions for {Count} rows", nameof(conditions));
        (ConditionColumn, Conditions) = (conditionColumn, conditions);
        if (columns.Count == 0) Count = conditions.Length;
    }

    /// <summary>Rows of a conditional table pair: the condition column's name; null otherwise.</summary>
    public string? ConditionColumn { get; }

    /// <summary>Rows of a conditional table pair: each row's condition; null otherwise.</summary>
    public IReadOnlyList<string>? Conditions { get; }

    /// <summary>The names of the columns in order: the schema's, then the condition column when there is one.</summary>
    public IReadOnlyList<string> ColumnNames => [.. Schema.Columns.Select(c => c.Name), .. ConditionColumn is null ? [] : new[] { ConditionColumn }];

    /// <summary>The columns' schema.</summary>
    public TableSchema Schema { get; }

    /// <summary>One array per schema column.</summary>
    public IReadOnlyList<Array> Columns { get; }

    /// <summary>Number of rows.</summary>
    public int Count { get; private init; }

    /// <summary>The cell as the training file would write it: the text, the number (whole for integer columns, at most the file's decimals), or the date in the file's format, "" when blank.</summary>
    /// <remarks>Column <c>Schema.Columns.Count</c> is the condition of a conditional pair's rows.</remarks>
    public string Cell(int row, int column)
    {
        if (column == Schema.Columns.Count && Conditions is { } conditions) return conditions[row];
        var c = Schema.Columns[column];
        if (c.IsText) return ((string[])Columns[column])[row];
        float v = ((float[])Columns[column])[row];
        if (float.IsNaN(v)) return "";
        if (c.IsDate) return TableDates.Text(c, v);
        double rounded = Math.Round((double)v, c.Kind == ColumnKind.Integer ? 0 : c.Decimals);
        return rounded.ToString(c.Kind == ColumnKind.Integer ? "0" : "0." + new string('#', Math.Max(1, c.Decimals)), CultureInfo.InvariantCulture);
    }

    /// <summary>An ML.NET data view of the rows: Text columns for flags and categories (and the condition), Single columns for numbers, named after the table's columns.</summary>
    public IDataView ToDataView() => new ColumnarDataView(this);
}
