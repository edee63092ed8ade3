using System.Text;
using VaeOnnx.Contract;

namespace VaeOnnx.Tables;

/// <summary>
/// The rows of a CSV table (<see cref="CsvSpanReader"/>): a header row of unique, non-empty names, then records of exactly
/// one cell per column, blank lines skipped, cells trimmed. Types are decided later, by inference when training and by the
/// model's schema when scoring, so this refuses only what no schema can mend, naming the file and the line.
/// </summary>
public sealed class CsvTableRows : ITableRows
{
    private readonly TextReader _text;
    private readonly CsvSpanReader _records;

    /// <summary>
    /// Rows of <paramref name="text"/>, which this disposes: after its own header row, or with <paramref name="header"/>
    /// when the header was read before (a text continued, whose lines count after <paramref name="linesRead"/>).
    /// </summary>
    public CsvTableRows(TextReader text, string source, IReadOnlyList<string>? header = null, int linesRead = 0)
    {
        (_text, Source, _records) = (text, source, new CsvSpanReader(text, source, linesRead));
        Header = header ?? _records.ReadHeader();
    }

    /// <summary>Opens the CSV file <paramref name="path"/> (UTF-8, with or without a byte-order mark) and reads its header.</summary>
    public static CsvTableRows Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        try
        {
            return new CsvTableRows(text, path);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public string Source { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Header { get; }

    /// <inheritdoc/>
    public int Line => _records.Line;

    /// <summary>The lines read so far, the header's included: where a continued text's line numbers go on from.</summary>
    public int LinesRead => _records.LinesRead;

    /// <inheritdoc/>
    public bool Read()
    {
        while (_records.ReadRecord())
        {
            if (_records.Count == 1 && _records.Cell(0).Trim().IsEmpty && Header.Count > 1) continue;
            if (_records.Count != Header.Count)
                throw new DataFormatException(Source, $"line {_records.Line}: {_records.Count} fields; expected {Header.Count} as in the header");
            return true;
        }
        return false;
    }

    /// <inheritdoc/>
    public ReadOnlySpan<char> Cell(int column) => _records.Cell(column).Trim();

    /// <summary>The current row's cells as strings, trimmed: for a caller that keeps the row.</summary>
    public string[] Texts()
    {
        var cells = new string[Header.Count];
        for (int i = 0; i < cells.Length; i++) cells[i] = Cell(i).ToString();
        return cells;
    }

    /// <inheritdoc/>
    public void Dispose() => _text.Dispose();
}
