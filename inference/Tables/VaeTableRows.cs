using VaeOnnx.Contract;
using System.Globalization;
using Microsoft.ML;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference;

/// <summary>
/// Rows of a table model's columns, held by column: a float[] per numeric or integer column (NaN for a blank cell) and a
/// string[] per flag or category column ("" for a blank cell, flags in the file's spellings). What a synthesizer returns,
/// and a way to hand rows with a schema known only at run time to <see cref="VaeCatalogExtensions.VaeTableScore"/>.
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

    /// <summary>The columns' schema.</summary>
    public TableSchema Schema { get; }

    /// <summary>One array per schema column.</summary>
    public IReadOnlyList<Array> Columns { get; }

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>The cell as the training file would write it: the text, or the number (whole for integer columns, at most the file's decimals), "" when blank.</summary>
    public string Cell(int row, int column)
    {
        var c = Schema.Columns[column];
        if (c.IsText) return ((string[])Columns[column])[row];
        float v = ((float[])Columns[column])[row];
        if (float.IsNaN(v)) return "";
        double rounded = Math.Round((double)v, c.Kind == ColumnKind.Integer ? 0 : c.Decimals);
        return rounded.ToString(c.Kind == ColumnKind.Integer ? "0" : "0." + new string('#', Math.Max(1, c.Decimals)), CultureInfo.InvariantCulture);
    }

    /// <summary>An ML.NET data view of the rows: Text columns for flags and categories, Single columns for numbers, named after the table's columns.</summary>
    public IDataView ToDataView() => new ColumnarDataView(this);
}
