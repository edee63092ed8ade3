namespace VaeOnnx.Tables;

/// <summary>
/// A table read one row at a time, each cell a trimmed span valid until the next <see cref="Read"/>: a CSV file read in
/// place (<see cref="CsvTableRows"/>) or the blocks of any other source (<see cref="RawTableRows"/>). What
/// <see cref="TableBlockReader"/> turns into a table model's inputs, whatever the source.
/// </summary>
public interface ITableRows : IDisposable
{
    /// <summary>Where the rows come from (a path or a description), named in errors.</summary>
    string Source { get; }

    /// <summary>The column names, in the order of the cells.</summary>
    IReadOnlyList<string> Header { get; }

    /// <summary>Moves to the next row; false after the last.</summary>
    bool Read();

    /// <summary>The current row's line in a file (its row number from 1 in other sources), for error messages.</summary>
    int Line { get; }

    /// <summary>The current row's cell in column <paramref name="column"/> (an index into <see cref="Header"/>), trimmed.</summary>
    ReadOnlySpan<char> Cell(int column);
}
