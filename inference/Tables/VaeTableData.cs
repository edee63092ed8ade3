using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference;

/// <summary>
/// An ML.NET data view as the rows of a business table, for training a table model on it in C#
/// (<c>TableDataLoader.Load(VaeTableData.FromDataView(view), ...)</c> in VaeOnnx.Training): every cell becomes the text a CSV
/// file would hold, so that column kinds are inferred, and rows featurised, exactly as for a file. Text columns as given
/// (empty is blank), Boolean columns as "true"/"false", Single and Double columns in round-trip invariant form (NaN is
/// blank; an infinity is refused), Int32 and Int64 columns as integers, DateTime columns as ISO 8601 date-times
/// (yyyy-MM-ddTHH:mm:ss, taken as UTC), so that they become date-time columns.
/// </summary>
public static class VaeTableData
{
    /// <summary>
    /// The rows of <paramref name="view"/>: its visible columns, or the ones named in <paramref name="columns"/>, in order.
    /// A column of any other type (vectors, keys, time spans) is refused, naming it; leave it out with <paramref name="columns"/>.
    /// </summary>
    /// <param name="view">The rows.</param>
    /// <param name="columns">The columns to take, or null for every visible column.</param>
    /// <param name="source">What the rows are, named in error messages (whose "line N" is then row N, counted from 1).</param>
    public static RawTable FromDataView(IDataView view, IReadOnlyList<string>? columns = null, string source = "data view")
    {
        var selected = columns is null
            ? view.Schema.Where(c => !c.IsHidden).ToArray()
            : columns.Select(name => view.Schema.GetColumnOrNull(name)
                ?? throw new ArgumentException($"{source}: no column '{name}'; the columns are {string.Join(", ", view.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}", nameof(columns))).ToArray();
        if (selected.Length == 0) throw new ArgumentException($"{source}: no columns", nameof(view));
        foreach (var column in selected)
            if (!TableRowInput.Accepts(column.Type))
                throw new ArgumentException($"{source}: column '{column.Name}' is {column.Type}; a table column is Text, Boolean, Single, Double, Int32, Int64 or DateTime (leave it out with the columns argument)", nameof(view));
        var rows = new List<string[]>();
        using (var cursor = view.GetRowCursor(selected))
        {
            var readers = selected.Select(c => Reader(cursor, c)).ToArray();
            while (cursor.MoveNext()) rows.Add(readers.Select(read => read()).ToArray());
        }
        return new RawTable(source, selected.Select(c => c.Name).ToArray(), rows, Enumerable.Range(1, rows.Count).ToArray());
    }

    private static Func<string> Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var c = CultureInfo.InvariantCulture;
        switch (column.Type)
        {
            case TextDataViewType:
                var text = cursor.GetGetter<ReadOnlyMemory<char>>(column);
                return () => { ReadOnlyMemory<char> v = default; text(ref v); return v.Span.Trim().ToString(); };
            case BooleanDataViewType:
                var flag = cursor.GetGetter<bool>(column);
                return () => { bool v = false; flag(ref v); return v ? "true" : "false"; };
            case DateTimeDataViewType:
                var date = cursor.GetGetter<DateTime>(column);
                return () => { DateTime v = default; date(ref v); return TableDates.IsoText(v); };
        }
        if (column.Type == NumberDataViewType.Single)
        {
            var getter = cursor.GetGetter<float>(column);
            // Formatted as float32, so that 0.1f reads "0.1" and the file's decimals stay what they were.
            return () => { float v = 0; getter(ref v); return Number(v, v.ToString("R", c), cursor, column); };
        }
        if (column.Type == NumberDataViewType.Double)
        {
            var getter = cursor.GetGetter<double>(column);
            return () => { double v = 0; getter(ref v); return Number(v, v.ToString("R", c), cursor, column); };
        }
        if (column.Type == NumberDataViewType.Int32)
        {
            var getter = cursor.GetGetter<int>(column);
            return () => { int v = 0; getter(ref v); return v.ToString(c); };
        }
        var longs = cursor.GetGetter<long>(column);
        return () => { long v = 0; longs(ref v); return v.ToString(c); };
    }

    private static string Number(double value, string text, DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (double.IsNaN(value)) return "";
        if (double.IsInfinity(value))
            throw new InvalidDataException($"row {cursor.Position + 1}, column '{column.Name}': {text} is not a finite number; expected a number, or NaN for a blank cell");
        return text;
    }
}
