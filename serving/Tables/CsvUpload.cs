using System.Text;
using Microsoft.AspNetCore.Http;
using VaeOnnx.Contract;
using VaeOnnx.Serving.Rows;
using VaeOnnx.Tables;

namespace VaeOnnx.Serving.Tables;

/// <summary>
/// A CSV request body read block by block as it arrives, so that a large upload never sits whole in memory: the text is
/// read asynchronously, cut after the last complete record, and those records are parsed by the CSV reader
/// <c>vae score</c> uses (<see cref="CsvTableRows"/>: RFC 4180, a header row, UTF-8 with or without BOM, blank lines
/// skipped, cells trimmed), with the body's own line numbers in every error.
/// </summary>
internal sealed class CsvUpload
{
    /// <summary>What the errors call the body.</summary>
    public const string Source = "the CSV body";

    private readonly StreamReader _reader;
    private readonly long _maxChars;
    private readonly char[] _buffer = new char[64 * 1024];
    private readonly StringBuilder _pending = new();
    private readonly Queue<(string[] Cells, int Line)> _records = new();
    private readonly CancellationToken _cancel;
    private long _read;
    private int _line;
    private bool _ended;

    public CsvUpload(Stream body, long maxBytes, CancellationToken cancel)
    {
        _reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        (_maxChars, _cancel) = (maxBytes, cancel);
    }

    /// <summary>The header row; null until read.</summary>
    public IReadOnlyList<string>? Header { get; private set; }

    /// <summary>Reads up to the header row; an empty body or a bad header is refused.</summary>
    public async Task<IReadOnlyList<string>> ReadHeaderAsync()
    {
        while (Header is null && !_ended) await FillAsync();
        return Header ?? throw new BadRequestException($"{Source} is empty; expected a header row with the column names, then one row per line");
    }

    /// <summary>The next block of at most <paramref name="rows"/> rows, or null after the last.</summary>
    public async Task<RawTable?> ReadBlockAsync(int rows)
    {
        while (_records.Count < rows && !_ended) await FillAsync();
        if (_records.Count == 0) return null;
        var block = new List<(string[] Cells, int Line)>(Math.Min(rows, _records.Count));
        while (block.Count < rows && _records.TryDequeue(out var record)) block.Add(record);
        return new RawTable(Source, Header!, block.Select(r => r.Cells).ToArray(), block.Select(r => r.Line).ToArray());
    }

    private async Task FillAsync()
    {
        int n = await _reader.ReadAsync(_buffer, _cancel);
        if (n == 0)
        {
            _ended = true;
            Parse(_pending.ToString());
            _pending.Clear();
            return;
        }
        _read += n;
        if (_read > _maxChars)
            throw new BadRequestException($"the body is larger than {_maxChars} bytes (Vae:MaxRequestBytes); send fewer rows per request", statusCode: StatusCodes.Status413PayloadTooLarge);
        _pending.Append(_buffer, 0, n);
        int end = CompleteRecordsEnd(_pending);
        if (end <= 0) return;
        Parse(_pending.ToString(0, end));
        _pending.Remove(0, end);
    }

    /// <summary>Parses whole records (the header first), as <c>RawTableReader</c> reads a file's rows.</summary>
    private void Parse(string text)
    {
        try
        {
            using var rows = new CsvTableRows(new StringReader(text), Source, Header, _line);
            Header ??= rows.Header;
            while (rows.Read()) _records.Enqueue((rows.Texts(), rows.Line));
            _line = rows.LinesRead;
        }
        catch (DataFormatException e)
        {
            throw new BadRequestException(e.Message, e);
        }
    }

    /// <summary>
    /// Where the complete records of <paramref name="text"/> end (after the last line break outside quotes; 0 when there
    /// is none): the quoting rules of <see cref="CsvSpanReader"/>, where a quote opens a quoted cell only when the cell
    /// holds nothing but white space so far, and a doubled quote inside quotes is a quote.
    /// </summary>
    private static int CompleteRecordsEnd(StringBuilder text)
    {
        int end = 0;
        bool quoted = false, blank = true;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c != '"') blank &= char.IsWhiteSpace(c);
                else if (i + 1 == text.Length) break; // a doubled quote may be cut in two: decide with the next read
                else if (text[i + 1] == '"') { i++; blank = false; }
                else quoted = false;
            }
            else if (c == '"' && blank) quoted = true;
            else if (c == ',') blank = true;
            else if (c == '\n') { end = i + 1; blank = true; }
            else blank &= char.IsWhiteSpace(c);
        }
        return end;
    }
}
