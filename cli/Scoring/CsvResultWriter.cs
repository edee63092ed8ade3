using System.Globalization;
using System.Text;
using VaeOnnx.Contract.IO;

namespace VaeOnnx.Cli.Scoring;

/// <summary>Writes result rows as CSV with a header, floats in round-trippable form, atomically.</summary>
public static class CsvResultWriter
{
    /// <summary>Writes columns (each a name and one value per row) to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<(string Header, Func<int, float> Value)> columns, int rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', columns.Select(c => c.Header)).Append('\n');
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns.Count; c++)
            {
                if (c > 0) text.Append(',');
                text.Append(columns[c].Value(r).ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        AtomicFileWriter.WriteText(path, text.ToString());
    }

    /// <summary>Columns name_0..name_{k-1} over a row-major block of k values per row.</summary>
    public static IEnumerable<(string Header, Func<int, float> Value)> Block(string name, float[][] values, int width) =>
        Enumerable.Range(0, width).Select(j => ($"{name}_{j}", (Func<int, float>)(r => values[r][j])));
}
