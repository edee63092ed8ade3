using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract.IO;

namespace VaeOnnx.Cli.Scoring;

/// <summary>
/// Writes chosen columns of a scored data view as CSV rows through one cursor. One cursor matters: the VaeOnnx transforms
/// score a block of rows when a cursor reaches it, so reading each output column with its own <c>GetColumn</c> would run
/// every graph once per column. Floats are written round-trippable and without a string per value.
/// </summary>
public sealed class ScoredCsvWriter
{
    private readonly IReadOnlyList<ScoredCsvColumn> _columns;
    private readonly IReadOnlyList<string> _leading;

    /// <summary>
    /// A writer of <paramref name="columns"/>, in order, after <paramref name="leadingHeaders"/>: columns whose cells the
    /// caller passes through from the input (<see cref="WriteRows"/>'s leading cells), such as a table's ids.
    /// </summary>
    public ScoredCsvWriter(IReadOnlyList<ScoredCsvColumn> columns, IReadOnlyList<string>? leadingHeaders = null) =>
        (_columns, _leading) = (columns, leadingHeaders ?? []);

    /// <summary>Writes the header row.</summary>
    public void WriteHeader(TextWriter writer)
    {
        writer.Write(string.Join(',', _leading.Concat(_columns.SelectMany(c => c.Headers)).Select(CsvText.Cell)));
        writer.Write('\n');
    }

    /// <summary>
    /// Writes every row of <paramref name="scored"/>, each after its own <paramref name="leading"/> cells (CSV-escaped, one
    /// per leading header; one array per row, in row order) when the writer has leading headers; returns how many rows.
    /// </summary>
    public long WriteRows(IDataView scored, TextWriter writer, IReadOnlyList<string[]>? leading = null)
    {
        if (_leading.Count > 0 && leading is null) throw new ArgumentException($"the writer has leading columns ({string.Join(", ", _leading)}); pass their cells", nameof(leading));
        var columns = _columns.Select(c => scored.Schema[c.Column]).ToArray();
        using var cursor = scored.GetRowCursor(columns);
        var cells = columns.Select((column, i) => Cells(cursor, column, _columns[i].Headers.Count)).ToArray();
        long rows = 0;
        while (cursor.MoveNext())
        {
            if (_leading.Count > 0) WriteLeading(writer, leading!, rows);
            for (int i = 0; i < cells.Length; i++)
            {
                if (i > 0) writer.Write(',');
                cells[i](writer);
            }
            writer.Write('\n');
            rows++;
        }
        return rows;
    }

    /// <summary>Writes the whole CSV of <paramref name="scored"/> to <paramref name="path"/> atomically, creating its folder; returns the rows.</summary>
    public long WriteFile(string path, IDataView scored)
    {
        long rows = 0;
        WriteFile(path, writer => rows = WriteRows(scored, writer));
        return rows;
    }

    /// <summary>Writes the header, then whatever <paramref name="body"/> writes, to <paramref name="path"/> atomically, creating its folder.</summary>
    public void WriteFile(string path, Action<TextWriter> body)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        AtomicFileWriter.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            WriteHeader(writer);
            body(writer);
        });
    }

    private void WriteLeading(TextWriter writer, IReadOnlyList<string[]> leading, long row)
    {
        if (row >= leading.Count) throw new InvalidOperationException($"the scored rows outnumber the {leading.Count} rows of leading cells");
        var cells = leading[(int)row];
        if (cells.Length != _leading.Count) throw new InvalidOperationException($"row {row} has {cells.Length} leading cells; {_leading.Count} headers were declared");
        foreach (var cell in cells)
        {
            writer.Write(CsvText.Cell(cell));
            writer.Write(',');
        }
    }

    private static Action<TextWriter> Cells(DataViewRowCursor cursor, DataViewSchema.Column column, int width)
    {
        if (column.Type is BooleanDataViewType)
        {
            var get = cursor.GetGetter<bool>(column);
            bool value = false;
            return w => { get(ref value); w.Write(value ? "true" : "false"); };
        }
        if (column.Type is VectorDataViewType)
        {
            var get = cursor.GetGetter<VBuffer<float>>(column);
            var value = default(VBuffer<float>);
            return w =>
            {
                get(ref value);
                if (value.Length != width) throw new InvalidOperationException($"column '{column.Name}' has {value.Length} values; {width} headers were declared");
                int j = 0;
                foreach (var v in value.DenseValues())
                {
                    if (j++ > 0) w.Write(',');
                    WriteFloat(w, v);
                }
            };
        }
        var getScalar = cursor.GetGetter<float>(column);
        float scalar = 0;
        return w => { getScalar(ref scalar); WriteFloat(w, scalar); };
    }

    private static void WriteFloat(TextWriter writer, float value)
    {
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out int length, "R", CultureInfo.InvariantCulture);
        writer.Write(text[..length]);
    }
}
