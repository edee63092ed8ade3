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
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int line = 0;
        var header = ReadRecord(reader, path, ref line) ?? throw new DataFormatException(path, "empty file; expected a header row with column names");
        for (int i = 0; i < header.Count; i++)
        {
            header[i] = header[i].Trim();
            if (header[i].Length == 0) throw new DataFormatException(path, $"line 1, column {i + 1}: empty column name; expected a name for every column");
        }
        var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DataFormatException(path, $"line 1: column '{duplicate.Key}' appears twice; expected unique names");

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
        while (true)
        {
            int recordLine = line + 1;
            var record = ReadRecord(reader, path, ref line);
            if (record is null) break;
            if (record.Count == 1 && record[0].Length == 0) continue; // blank line
            if (record.Count != header.Count)
                throw new DataFormatException(path, $"line {recordLine}: {record.Count} cells; expected {header.Count} as in the header");
            foreach (int i in featureIndex)
            {
                var cell = record[i].Trim();
                if (cell.Length == 0) throw new DataFormatException(path, $"line {recordLine}, column '{header[i]}': missing value; expected a number");
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new DataFormatException(path, $"line {recordLine}, column '{header[i]}': '{cell}' is not a number; expected a number like 1.5 or -2e3");
                if (!float.IsFinite(v)) throw new DataFormatException(path, $"line {recordLine}, column '{header[i]}': '{cell}' is not finite; expected a finite number");
                values.Add(v);
            }
            if (labels is not null)
            {
                var label = record[labelIndex].Trim();
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

    /// <summary>Reads one record, following quoted fields across line breaks; null at the end of the file.</summary>
    private static List<string>? ReadRecord(TextReader reader, string path, ref int line)
    {
        var first = reader.ReadLine();
        if (first is null) return null;
        line++;
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        string current = first;
        int startLine = line;
        while (true)
        {
            for (int i = 0; i < current.Length; i++)
            {
                char c = current[i];
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (i + 1 < current.Length && current[i + 1] == '"') { cell.Append('"'); i++; }
                        else quoted = false;
                    }
                    else cell.Append(c);
                }
                else if (c == '"' && cell.ToString().Trim().Length == 0) { cell.Clear(); quoted = true; }
                else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
                else cell.Append(c);
            }
            if (!quoted) break;
            var next = reader.ReadLine();
            if (next is null) throw new DataFormatException(path, $"line {startLine}: a quoted cell is never closed; expected a closing \"");
            line++;
            cell.Append('\n');
            current = next;
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
