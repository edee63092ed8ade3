using VaeOnnx.Contract;
using System.Text;

namespace VaeOnnx.Training.Data.Tables;

/// <summary>
/// Reads a CSV file (RFC 4180, see <see cref="CsvRecordReader"/>) as text cells: a header row of unique, non-empty names,
/// then rows with exactly one cell per column. Types are decided later (<see cref="ColumnTypeInference"/> when training, the
/// model's schema when scoring), so the reader refuses only what no schema can mend, naming the file and the line.
/// </summary>
public static class RawTableReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    public static RawTable Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int line = 0;
        var header = CsvRecordReader.ReadHeader(reader, path, ref line);
        var rows = new List<string[]>();
        var lines = new List<int>();
        while (true)
        {
            int recordLine = line + 1;
            var record = CsvRecordReader.Read(reader, path, ref line);
            if (record is null) break;
            if (record.Count == 1 && record[0].Trim().Length == 0 && header.Count > 1) continue; // blank line
            if (record.Count != header.Count)
                throw new DataFormatException(path, $"line {recordLine}: {record.Count} fields; expected {header.Count} as in the header");
            rows.Add(record.Select(c => c.Trim()).ToArray());
            lines.Add(recordLine);
        }
        if (rows.Count == 0) throw new DataFormatException(path, "no data rows after the header; expected at least one row");
        return new RawTable(path, header, rows, lines);
    }
}
