namespace VaeOnnx.Contract;

/// <summary>
/// A table as text: the header and every data row's trimmed cells, with the line each row started on. What the CSV reader
/// gives, what an ML.NET data view becomes before a table model trains on it (<c>VaeTableData.FromDataView</c>), and what the
/// column schema is inferred from.
/// </summary>
public sealed class RawTable
{
    /// <summary>Creates a table; every row must have one cell per header column.</summary>
    public RawTable(string source, IReadOnlyList<string> header, IReadOnlyList<string[]> rows, IReadOnlyList<int> lines)
    {
        if (rows.Count != lines.Count) throw new ArgumentException($"{source}: {rows.Count} rows but {lines.Count} line numbers");
        if (rows.Any(r => r.Length != header.Count)) throw new ArgumentException($"{source}: every row needs {header.Count} cells");
        (Source, Header, Rows, Lines) = (source, header, rows, lines);
    }

    /// <summary>Where the rows came from (a path or a description), named in errors.</summary>
    public string Source { get; }

    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Cells per row, in header order, trimmed.</summary>
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>The 1-based line of the file each row starts on (for error messages).</summary>
    public IReadOnlyList<int> Lines { get; }

    /// <summary>Index of the column <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => Header.IndexOf(name);

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public RawTable Select(IReadOnlyList<int> indices, string? source = null) =>
        new(source ?? Source, Header, indices.Select(i => Rows[i]).ToArray(), indices.Select(i => Lines[i]).ToArray());
}
