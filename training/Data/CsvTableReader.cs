using VaeOnnx.Contract;
using VaeOnnx.Tables;
using System.Globalization;
using System.Text;

namespace VaeOnnx.Training.Data;

/// <summary>
/// Reads numeric tables from CSV: a header row, comma separated, RFC 4180 quoting, invariant-culture numbers.
/// Missing, non-numeric, NaN or infinite feature cells are rejected with the file, the line and the column named,
/// because a VAE cannot learn from them and silently imputing would hide a data problem.
/// </summary>
public static class CsvTableReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    public static CsvTable Read(string path, CsvReadOptions? options = null)
    {
        options ??= new CsvReadOptions();
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        using var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var reader = new CsvSpanReader(text, path);
        var header = reader.ReadHeader().ToList();

        int labelIndex = -1;
        if (options.LabelColumn is not null)
        {
            labelIndex = header.IndexOf(options.LabelColumn);
            if (labelIndex < 0) throw new DataFormatException(path, $"no label column '{options.LabelColumn}'; the columns are {string.Join(", ", header)}");
        }
        int[] featureIndex;
        if (options.FeatureColumns is not null)
        {
            featureIndex = options.FeatureColumns.Select(name =>
            {
                int i = header.IndexOf(name);
                if (i < 0) throw new DataFormatException(path, $"no feature column '{name}'; the columns are {string.Join(", ", header)}");
                if (i == labelIndex) throw new DataFormatException(path, $"column '{name}' is the label column; it cannot also be a feature");
                return i;
            }).ToArray();
        }
        else
        {
            featureIndex = Enumerable.Range(0, header.Count).Where(i => i != labelIndex).ToArray();
        }
        if (featureIndex.Length == 0) throw new DataFormatException(path, "no feature columns; expected at least one numeric column besides the label");

        var values = new List<float>();
        var labels = labelIndex >= 0 ? new List<int>() : null;
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        var classNames = new List<string>();
        int rows = 0;
        while (reader.ReadRecord())
        {
            int recordLine = reader.Line;
            if (reader.Count == 1 && reader.Cell(0).Length == 0) continue; // blank line
            if (reader.Count != header.Count)
                throw new DataFormatException(path, $"line {recordLine}: {reader.Count} cells; expected {header.Count} as in the header");
            foreach (int i in featureIndex)
            {
                var cell = reader.Cell(i).Trim();
                if (cell.Length == 0) throw new DataFormatException(path, $"line {recordLine}, column '{header[i]}': missing value; expected a number");
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new DataFormatException(path, $"line {recordLine}, column '{header[i]}': '{cell}' is not a number; expected a number like 1.5 or -2e3");
                if (!float.IsFinite(v)) throw new DataFormatException(path, $"line {recordLine}, column '{header[i]}': '{cell}' is not finite; expected a finite number");
                values.Add(v);
            }
            if (labels is not null)
            {
                var label = reader.Cell(labelIndex).Trim().ToString();
                if (label.Length == 0) throw new DataFormatException(path, $"line {recordLine}, column '{header[labelIndex]}': missing label");
                if (!classes.TryGetValue(label, out int index))
                {
                    index = classes.Count;
                    classes[label] = index;
                    classNames.Add(label);
                }
                labels.Add(index);
            }
            rows++;
        }
        if (rows == 0) throw new DataFormatException(path, "no data rows after the header; expected at least one row");
        var names = featureIndex.Select(i => header[i]).ToArray();
        var data = new VaeDataset(path, values.ToArray(), rows, featureIndex.Length, labels?.ToArray(), null, names);
        return new CsvTable(data, labels is null ? null : classNames);
    }
}
