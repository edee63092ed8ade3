using System.Text;
using VaeOnnx.Contract;
using VaeOnnx.Contract.IO;

namespace VaeOnnx.Tables;

/// <summary>Writes a <see cref="RawTable"/> as the CSV file <see cref="RawTableReader"/> reads back to the same cells (RFC 4180, UTF-8, atomically).</summary>
public static class RawTableWriter
{
    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/>, creating its folder.</summary>
    public static void Write(RawTable table, string path)
    {
        var text = CsvText.AppendRecord(new StringBuilder(), table.Header);
        foreach (var row in table.Rows) CsvText.AppendRecord(text, row);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        AtomicFileWriter.WriteText(path, text.ToString());
    }
}
