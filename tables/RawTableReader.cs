using VaeOnnx.Contract;

namespace VaeOnnx.Tables;

/// <summary>
/// Reads a CSV file (<see cref="CsvTableRows"/>) as text cells: a header row of unique, non-empty names, then rows with
/// exactly one cell per column. Types are decided later (<see cref="ColumnTypeInference"/> when training, the model's schema
/// when scoring), so the reader refuses only what no schema can mend, naming the file and the line.
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
    /// read block by block and an error still names its line. The file is opened when the first block is asked for; a
    /// file without data rows is refused then, so every enumeration yields at least one block.
    /// </summary>
    public static IEnumerable<RawTable> ReadBlocks(string path, int blockRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        using var rows = CsvTableRows.Open(path);
        bool any = false;
        while (true)
        {
            var (cells, lines) = (new List<string[]>(), new List<int>());
            while (cells.Count < blockRows && rows.Read())
            {
                cells.Add(rows.Texts());
                lines.Add(rows.Line);
            }
            if (cells.Count == 0)
            {
                if (!any) throw new DataFormatException(path, NoRows);
                yield break;
            }
            any = true;
            yield return new RawTable(path, rows.Header, cells, lines);
        }
    }

    /// <summary>What a CSV file with a header and no data rows is refused with.</summary>
    public const string NoRows = "no data rows after the header; expected at least one row";
}
