using VaeOnnx.Contract;
using System.Text;

namespace VaeOnnx.Tables;

/// <summary>
/// Reads a CSV file (RFC 4180, see <see cref="CsvRecordReader"/>) as text cells: a header row of unique, non-empty names,
/// then rows with exactly one cell per column. Types are decided later (<see cref="ColumnTypeInference"/> when training, the
/// model's schema when scoring), so the reader refuses only what no schema can mend, naming the file and the line.
/// </summary>
public static class RawTableReader
{
    /// <summary>Reads <paramref name="path"/> whole.</summary>
    public static RawTable Read(string path)
    {
        using var blocks = ReadBlocks(path, int.MaxValue).GetEnumerator();
        blocks.MoveNext();
        return blocks.Current;
    }

    /// <summary>
    /// Reads <paramref name="path"/> as consecutive blocks of at most <paramref name="blockRows"/> rows, each a
    /// <see cref="RawTable"/> with the file's header and the rows' own line numbers, so that a file larger than memory is
    /// scored block by block and an error still names its line. The file is opened when the first block is asked for; a
    /// file without data rows is refused then, so every enumeration yields at least one block.
    /// </summary>
    public static IEnumerable<RawTable> ReadBlocks(string path, int blockRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int line = 0;
        var header = CsvRecordReader.ReadHeader(reader, path, ref line);
        bool any = false;
        while (true)
        {
            var (rows, lines) = (new List<string[]>(), new List<int>());
            while (rows.Count < blockRows && ReadRow(reader, path, header.Count, ref line) is { } row)
            {
                rows.Add(row.Cells);
                lines.Add(row.Line);
            }
            if (rows.Count == 0)
            {
                if (!any) throw new DataFormatException(path, "no data rows after the header; expected at least one row");
                yield break;
            }
            any = true;
            yield return new RawTable(path, header, rows, lines);
        }
    }

    /// <summary>The next data row (blank lines skipped) with the line it starts on; null at the end of the file.</summary>
    private static (string[] Cells, int Line)? ReadRow(TextReader reader, string path, int width, ref int line)
    {
        while (true)
        {
            int recordLine = line + 1;
            var record = CsvRecordReader.Read(reader, path, ref line);
            if (record is null) return null;
            if (record.Count == 1 && record[0].Trim().Length == 0 && width > 1) continue;
            if (record.Count != width)
                throw new DataFormatException(path, $"line {recordLine}: {record.Count} fields; expected {width} as in the header");
            var cells = new string[width];
            for (int i = 0; i < width; i++) cells[i] = record[i].Trim();
            return (cells, recordLine);
        }
    }
}
