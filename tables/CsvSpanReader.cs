using VaeOnnx.Contract;

namespace VaeOnnx.Tables;

/// <summary>
/// Reads the records of a CSV text as RFC 4180 writes them: comma separated, fields optionally quoted, a doubled quote
/// inside quotes for a quote, commas and line breaks inside quotes kept (a line break inside quotes reads as "\n"), CRLF,
/// LF or CR line ends. A quote opens a quoted cell only where the cell holds nothing but white space so far, as
/// spreadsheets write, and text after the closing quote is kept. The caller opens a file with byte-order-mark detection,
/// so UTF-8 with or without a BOM reads the same.
/// </summary>
/// <remarks>
/// A record's cells are spans of one reused buffer, valid until the next <see cref="ReadRecord"/>: a caller makes a string
/// only of the cells it keeps, and parses a number straight from its span. A record without quotes (most records of a
/// business file) is cut at its commas in place; one with quotes is copied, unquoted, into a second buffer.
/// </remarks>
public sealed class CsvSpanReader
{
    private readonly TextReader _reader;
    private readonly string _path;
    private char[] _text = new char[1 << 16];
    private int _position, _length;
    private bool _ended;
    // Cell i of the current record starts at _bounds[2i] and has _bounds[2i + 1] characters, in _text, or in _unquoted
    // when the record had quotes.
    private int[] _bounds = new int[64];
    private char[] _unquoted = new char[256];
    private bool _fromUnquoted;

    /// <summary>A reader of <paramref name="reader"/>'s records; errors name <paramref name="path"/> and count lines after <paramref name="linesRead"/>.</summary>
    public CsvSpanReader(TextReader reader, string path, int linesRead = 0) => (_reader, _path, LinesRead) = (reader, path, linesRead);

    /// <summary>The lines read so far, counting those inside quoted cells: the last line of the current record.</summary>
    public int LinesRead { get; private set; }

    /// <summary>The line the current record starts on.</summary>
    public int Line { get; private set; }

    /// <summary>The number of cells of the current record.</summary>
    public int Count { get; private set; }

    /// <summary>Cell <paramref name="index"/> of the current record, unquoted, as written (not trimmed).</summary>
    public ReadOnlySpan<char> Cell(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return (_fromUnquoted ? _unquoted : _text).AsSpan(_bounds[2 * index], _bounds[2 * index + 1]);
    }

    /// <summary>Reads the header row: trimmed names, none empty, none twice (each problem names the file and the line).</summary>
    public IReadOnlyList<string> ReadHeader()
    {
        if (!ReadRecord()) throw new DataFormatException(_path, "empty file; expected a header row with column names");
        var header = new string[Count];
        for (int i = 0; i < Count; i++)
        {
            header[i] = Cell(i).Trim().ToString();
            if (header[i].Length == 0) throw new DataFormatException(_path, $"line {Line}, column {i + 1}: empty column name; expected a name for every column");
        }
        var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DataFormatException(_path, $"line {Line}: column '{duplicate.Key}' appears twice; expected unique names");
        return header;
    }

    /// <summary>Reads the next record, following quoted cells across line breaks; false at the end of the text.</summary>
    public bool ReadRecord()
    {
        while (true)
        {
            if (_position == _length && _ended) return false;
            var rest = _text.AsSpan(_position, _length - _position);
            int stop = rest.IndexOfAny('\n', '\r', '"');
            if (stop >= 0 && rest[stop] == '"') return ReadQuoted();
            // A CR at the end of what is read may be the first half of a CRLF; so may a record cut by the buffer's end.
            if ((stop < 0 || (rest[stop] == '\r' && stop + 1 == rest.Length)) && !_ended)
            {
                Fill();
                continue;
            }
            int end = stop < 0 ? rest.Length : stop;
            Split(_position, end);
            _position += end + LineBreakLength(rest, end);
            Line = ++LinesRead;
            return true;
        }
    }

    private void Split(int start, int length)
    {
        _fromUnquoted = false;
        var line = _text.AsSpan(start, length);
        int count = 0, from = 0;
        while (true)
        {
            int comma = line[from..].IndexOf(',');
            int cell = comma < 0 ? line.Length - from : comma;
            AddCell(ref count, start + from, cell);
            if (comma < 0) break;
            from += comma + 1;
        }
        Count = count;
    }

    private void AddCell(ref int count, int start, int length)
    {
        if (2 * count + 2 > _bounds.Length) Array.Resize(ref _bounds, _bounds.Length * 2);
        _bounds[2 * count] = start;
        _bounds[2 * count + 1] = length;
        count++;
    }

    private static int LineBreakLength(ReadOnlySpan<char> text, int at) =>
        at >= text.Length ? 0 : text[at] == '\r' && at + 1 < text.Length && text[at + 1] == '\n' ? 2 : 1;

    /// <summary>Reads a record with quotes into <see cref="_unquoted"/>; reads more text first if the record does not end in what is held.</summary>
    private bool ReadQuoted()
    {
        while (true)
        {
            if (ScanQuoted(out int consumed, out int lines))
            {
                _position += consumed;
                Line = LinesRead + 1;
                LinesRead += lines;
                return true;
            }
            if (_ended) throw new DataFormatException(_path, $"line {LinesRead + 1}: a quoted cell is never closed; expected a closing \"");
            Fill();
        }
    }

    /// <summary>
    /// Cuts the record at <see cref="_position"/> into unquoted cells; false when it may go on beyond the text held (more
    /// must be read first), with nothing kept.
    /// </summary>
    private bool ScanQuoted(out int consumed, out int lines)
    {
        var text = _text.AsSpan(_position, _length - _position);
        (consumed, lines) = (0, 1);
        if (_unquoted.Length < text.Length + 1) Array.Resize(ref _unquoted, Math.Max(_unquoted.Length * 2, text.Length + 1));
        int count = 0, written = 0, cellStart = 0;
        bool quoted = false, blank = true;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool lineBreak = c is '\n' or '\r';
            // A quote or CR at the end of the text held may be half of a doubled quote or of a CRLF.
            if ((c == '"' && quoted || c == '\r') && i + 1 == text.Length && !_ended) return false;
            if (quoted && c == '"')
            {
                if (i + 1 < text.Length && text[i + 1] == '"') { _unquoted[written++] = '"'; blank = false; i++; }
                else quoted = false;
            }
            else if (quoted && lineBreak)
            {
                _unquoted[written++] = '\n';
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                lines++;
            }
            else if (quoted) Append(c, ref written, ref blank);
            else if (c == '"' && blank) { written = cellStart; quoted = true; }
            else if (c == ',') { AddCell(ref count, cellStart, written - cellStart); cellStart = written; blank = true; }
            else if (lineBreak)
            {
                consumed = i + LineBreakLength(text, i);
                return Finish(ref count, cellStart, written);
            }
            else Append(c, ref written, ref blank);
        }
        if (quoted || !_ended) return false;
        consumed = text.Length;
        return Finish(ref count, cellStart, written);
    }

    private void Append(char c, ref int written, ref bool blank)
    {
        _unquoted[written++] = c;
        blank &= char.IsWhiteSpace(c);
    }

    private bool Finish(ref int count, int cellStart, int written)
    {
        AddCell(ref count, cellStart, written - cellStart);
        (Count, _fromUnquoted) = (count, true);
        return true;
    }

    /// <summary>Moves the unread text to the buffer's start (growing it when one record fills it) and reads more after it.</summary>
    private void Fill()
    {
        int unread = _length - _position;
        if (unread == _text.Length) Array.Resize(ref _text, _text.Length * 2);
        else Array.Copy(_text, _position, _text, 0, unread);
        (_position, _length) = (0, unread);
        int read = _reader.Read(_text, _length, _text.Length - _length);
        if (read == 0) _ended = true;
        _length += read;
    }
}
