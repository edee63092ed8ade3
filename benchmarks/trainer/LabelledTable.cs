using Microsoft.ML;
using Microsoft.ML.Data;

/// <summary>A CSV of numeric columns whose last column is Label (1 = anomaly), as export-anomaly-tables.sh writes it, loaded as Single columns.</summary>
internal sealed record LabelledTable(string Name, IDataView Rows, string[] Features)
{
    public static LabelledTable Load(MLContext ml, string path)
    {
        var header = File.ReadLines(path).First().Split(',').Select(h => h.Trim('"')).ToArray();
        var columns = header.Select((name, i) => new TextLoader.Column(name, DataKind.Single, i)).ToArray();
        var rows = ml.Data.CreateTextLoader(columns, separatorChar: ',', hasHeader: true, allowQuoting: true).Load(path);
        return new LabelledTable(Path.GetFileNameWithoutExtension(path), rows, header[..^1]);
    }
}
