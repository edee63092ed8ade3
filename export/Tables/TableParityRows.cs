using VaeOnnx.Contract;
using VaeOnnx.Training.Data.Tables;

namespace VaeOnnx.Export.Tables;

/// <summary>
/// The rows a table pair's parity check runs: held-out rows of the training file, plus rows that reach every branch of the
/// graphs' featurisation: a blank cell in each column, an unseen category, a flag spelled in another case and an unknown one.
/// </summary>
internal static class TableParityRows
{
    public static RawTable Build(TableSchema schema, RawTable? heldOut, int maxRows)
    {
        var header = schema.Columns.Select(c => c.Name).ToArray();
        var rows = new List<string[]>();
        if (heldOut is not null)
        {
            var indices = new TableFeaturizer(schema).ColumnIndices(heldOut);
            rows.AddRange(heldOut.Rows.Take(maxRows).Select(r => indices.Select(i => r[i]).ToArray()));
        }
        var typical = rows.Count > 0 ? rows[0] : schema.Columns.Select(c => c.TypicalText()).ToArray();
        if (rows.Count == 0) rows.Add(typical);
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
            default:
                yield return ((double)column.Max + 10 / column.Scale).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                break;
        }
    }
}
