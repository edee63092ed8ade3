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
    /// The rows are read a few thousand at a time, so memory does not grow with the view.
    /// </summary>
    public long WriteRows(IDataView scored, TextWriter writer, IReadOnlyList<string[]>? leading = null)
    {
        var (cursor, slots, flags) = Open(scored);
        using (cursor)
        {
            long rows = 0;
            while (Read(cursor, slots, flags, WriteChunkRows) is { Rows: > 0 } chunk) rows += WriteBlock(chunk, writer, leading, rows);
            return rows;
        }
    }

    /// <summary>Reads every row of <paramref name="scored"/> through one cursor, to be written by <see cref="WriteBlock"/> (on another thread, if the caller likes).</summary>
    public ScoredBlock ReadBlock(IDataView scored)
    {
        var (cursor, slots, flags) = Open(scored);
        using (cursor) return Read(cursor, slots, flags, int.MaxValue, (int?)scored.GetRowCount() ?? WriteChunkRows);
    }

    /// <summary>
    /// Writes the rows of <paramref name="block"/>, each after its <paramref name="leading"/> cells (see <see cref="WriteRows"/>;
    /// the block's first row takes <paramref name="leading"/>[<paramref name="firstRow"/>]); returns how many rows.
    /// </summary>
    public long WriteBlock(ScoredBlock block, TextWriter writer, IReadOnlyList<string[]>? leading = null, long firstRow = 0)
    {
        if (_leading.Count > 0 && leading is null) throw new ArgumentException($"the writer has leading columns ({string.Join(", ", _leading)}); pass their cells", nameof(leading));
        int width = block.Width;
        for (int r = 0; r < block.Rows; r++)
        {
            if (_leading.Count > 0) WriteLeading(writer, leading!, firstRow + r);
            var row = block.Values.AsSpan(r * width, width);
            for (int k = 0; k < width; k++)
            {
                if (k > 0) writer.Write(',');
                if (block.Flags[k]) writer.Write(row[k] != 0 ? "true" : "false");
                else WriteFloat(writer, row[k]);
            }
            writer.Write('\n');
        }
        return block.Rows;
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

    /// <summary>Rows per chunk of <see cref="WriteRows"/>: enough to make the per-chunk work noise.</summary>
    private const int WriteChunkRows = 4096;

    private delegate void SlotReader(Span<float> row);

    private (DataViewRowCursor Cursor, SlotReader[] Slots, bool[] Flags) Open(IDataView scored)
    {
        var columns = _columns.Select(c => scored.Schema[c.Column]).ToArray();
        var cursor = scored.GetRowCursor(columns);
        var slots = new SlotReader[columns.Length];
        var flags = new List<bool>();
        int start = 0;
        for (int i = 0; i < columns.Length; i++)
        {
            int width = _columns[i].Headers.Count;
            slots[i] = Slots(cursor, columns[i], start, width);
            flags.AddRange(Enumerable.Repeat(columns[i].Type is BooleanDataViewType, width));
            start += width;
        }
        return (cursor, slots, flags.ToArray());
    }

    /// <summary>The next rows of <paramref name="cursor"/>, at most <paramref name="maxRows"/>; a block of no rows at its end.</summary>
    private static ScoredBlock Read(DataViewRowCursor cursor, SlotReader[] slots, bool[] flags, int maxRows, int expectedRows = WriteChunkRows)
    {
        int width = flags.Length;
        var values = new float[(long)Math.Min(maxRows, Math.Max(expectedRows, 1)) * width];
        int rows = 0;
        while (rows < maxRows && cursor.MoveNext())
        {
            if ((long)(rows + 1) * width > values.Length) Array.Resize(ref values, values.Length * 2);
            var row = values.AsSpan(rows * width, width);
            foreach (var slot in slots) slot(row);
            rows++;
        }
        return new ScoredBlock(values, rows, flags);
    }

    private static SlotReader Slots(DataViewRowCursor cursor, DataViewSchema.Column column, int start, int width)
    {
        if (column.Type is BooleanDataViewType)
        {
            var get = cursor.GetGetter<bool>(column);
            bool value = false;
            return row => { get(ref value); row[start] = value ? 1f : 0f; };
        }
        if (column.Type is VectorDataViewType)
        {
            var get = cursor.GetGetter<VBuffer<float>>(column);
            var value = default(VBuffer<float>);
            return row =>
            {
                get(ref value);
                if (value.Length != width) throw new InvalidOperationException($"column '{column.Name}' has {value.Length} values; {width} headers were declared");
                value.CopyTo(row.Slice(start, width));
            };
        }
        var getScalar = cursor.GetGetter<float>(column);
        float scalar = 0;
        return row => { getScalar(ref scalar); row[start] = scalar; };
    }

    private static void WriteFloat(TextWriter writer, float value)
    {
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out int length, "R", CultureInfo.InvariantCulture);
        writer.Write(text[..length]);
    }
}
