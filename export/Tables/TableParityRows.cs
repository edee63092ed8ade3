using VaeOnnx.Contract;
using VaeOnnx.Tables;

namespace VaeOnnx.Export.Tables;

/// <summary>
/// The rows a table pair's parity check runs: held-out rows of the training file, plus rows that reach every branch of the
/// graphs' featurisation: a blank cell in each column, an unseen category, a flag spelled in another case and an unknown one.
/// A conditional model's rows also hold the condition column (last), and a typical row is added for every class.
/// </summary>
internal static class TableParityRows
{
    public static RawTable Build(TableSchema schema, RawTable? heldOut, int maxRows, ConditionSpec? condition = null)
    {
        string[] header = [.. schema.Columns.Select(c => c.Name), .. condition is null ? [] : new[] { condition.Column }];
        var rows = new List<string[]>();
        if (heldOut is not null)
        {
            int[] indices = [.. new TableFeaturizer(schema).ColumnIndices(heldOut.Header, heldOut.Source), .. condition is null ? [] : new[] { heldOut.IndexOf(condition.Column) }];
            rows.AddRange(heldOut.Rows.Take(maxRows).Select(r => indices.Select(i => r[i]).ToArray()));
        }
        string[] typical = rows.Count > 0 ? rows[0] : [.. schema.Columns.Select(c => c.TypicalText()), .. condition is null ? [] : new[] { condition.Classes[0] }];
        if (rows.Count == 0) rows.Add(typical);
        foreach (var value in condition?.Classes ?? [])
        {
            var row = (string[])typical.Clone();
            row[^1] = value;
            rows.Add(row);
        }
        for (int c = 0; c < schema.Columns.Count; c++)
        {
            var column = schema.Columns[c];
            foreach (var variant in Variants(column))
            {
                var row = (string[])typical.Clone();
                row[c] = variant;
                rows.Add(row);
            }
        }
        return new RawTable("parity rows", header, rows, Enumerable.Range(1, rows.Count).ToArray());
    }

    private static IEnumerable<string> Variants(TableColumn column)
    {
        yield return "";
        switch (column.Kind)
        {
            case ColumnKind.Categorical:
                yield return "\u0001never seen in training";
                yield return column.Categories![^1];
                break;
            case ColumnKind.Boolean:
                yield return column.FalseText!.ToUpperInvariant();
                yield return column.TrueText!.ToLowerInvariant();
                yield return "maybe";
                break;
            case ColumnKind.Date or ColumnKind.DateTime:
                yield return TableDates.Text(column, column.Max + 10 / column.Scale);
                break;
            default:
                yield return ((double)column.Max + 10 / column.Scale).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                break;
        }
    }
}
