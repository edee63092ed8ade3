using System.Text;

namespace VaeOnnx.Contract.IO;

/// <summary>CSV as RFC 4180 writes it, for every table file VaeOnnx writes (scores, synthetic rows, rows of a data view).</summary>
public static class CsvText
{
    /// <summary>A cell, quoted when it holds a comma, a quote or a line break, or starts or ends with white space (readers trim unquoted cells).</summary>
    public static string Cell(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 && value.Trim() == value ? value : "\"" + value.Replace("\"", "\"\"") + "\"";

    /// <summary>One record: the cells joined by commas, then a line break.</summary>
    public static StringBuilder AppendRecord(StringBuilder text, IEnumerable<string> cells) => text.AppendJoin(',', cells.Select(Cell)).Append('\n');
}
