using VaeOnnx.Contract;
namespace VaeOnnx.Training.Data.Tables;

/// <summary>
/// Turns raw table cells into the model's features exactly as the exported encoder graph does (the export's parity check
/// holds the two to 1e-5): numbers (float32) standardised, a blank number imputed at the training mean (0 after scaling);
/// flags 1/0 (in any <see cref="TableSpelling.Variants"/> of the file's spellings); categories one-hot (exact text), zeros when blank or never seen;
/// then each column's missing-value indicator. A value the training rows never had (an unseen category or flag spelling,
/// a blank in a column that had no blanks) is marked unknown.
/// </summary>
public sealed class TableFeaturizer(TableSchema schema)
{
    /// <summary>The schema.</summary>
    public TableSchema Schema { get; } = schema;

    /// <summary>Featurises every row of <paramref name="table"/>, whose header must hold every feature column.</summary>
    public TableFeatures Featurize(RawTable table)
    {
        var columns = ColumnIndices(table);
        int d = Schema.FeatureCount, c = Schema.Columns.Count, n = table.Rows.Count;
        var (features, observed, unknown) = (new float[(long)n * d], new float[(long)n * c], new float[(long)n * c]);
        var spans = Schema.Spans;
        for (int r = 0; r < n; r++)
            for (int j = 0; j < c; j++)
            {
                var value = Cell(table, r, columns[j], Schema.Columns[j]);
                Write(Schema.Columns[j], spans[j], value, features.AsSpan(r * d, d), out observed[r * c + j], out unknown[r * c + j]);
            }
        return new TableFeatures(features, observed, unknown, n);
    }

    /// <summary>
    /// The encoder graph's inputs for the rows of <paramref name="table"/>, one array per feature column: float[] of numbers
    /// (NaN where blank) for numeric and integer columns, string[] of the cells for flags and categories.
    /// </summary>
    public IReadOnlyList<Array> GraphInputs(RawTable table)
    {
        var columns = ColumnIndices(table);
        var inputs = new List<Array>(columns.Length);
        for (int j = 0; j < columns.Length; j++)
        {
            var column = Schema.Columns[j];
            if (column.IsText) inputs.Add(table.Rows.Select(row => row[columns[j]]).ToArray());
            else inputs.Add(Enumerable.Range(0, table.Rows.Count).Select(r => Cell(table, r, columns[j], column).Number).ToArray());
        }
        return inputs;
    }

    /// <summary>Where each feature column is in <paramref name="table"/>'s header; a missing one is named.</summary>
    public int[] ColumnIndices(RawTable table) => Schema.Columns.Select(c =>
    {
        int i = table.IndexOf(c.Name);
        return i >= 0 ? i : throw new DataFormatException(table.Source, $"no column '{c.Name}'; the model needs the columns {string.Join(", ", Schema.Columns.Select(k => k.Name))}");
    }).ToArray();

    /// <summary>One cell: the text, and the number for numeric columns (NaN when blank); a non-number is refused with line, column and value.</summary>
    private (string Text, float Number) Cell(RawTable table, int row, int index, TableColumn column)
    {
        var text = table.Rows[row][index];
        if (!column.IsNumber) return (text, float.NaN);
        if (Schema.IsMissing(text)) return (text, float.NaN);
        if (!ColumnTypeInference.TryNumber(text, out double v))
            throw new DataFormatException(table.Source, $"line {table.Lines[row]}, column '{column.Name}': '{text}' is not a number; expected {EnumText.Of(column.Kind)} values like 1.5 (or a blank cell for a missing one)");
        return (text, (float)v);
    }

    /// <summary>Writes one cell's features into <paramref name="row"/>.</summary>
    public void Write(TableColumn column, ColumnSpan span, (string Text, float Number) cell, Span<float> row, out float observed, out float unknown)
    {
        bool missing = column.IsNumber ? float.IsNaN(cell.Number) : Schema.IsMissing(cell.Text);
        int known = -1;
        if (!missing)
        {
            known = column.Kind switch
            {
                ColumnKind.Categorical => IndexOf(column.Categories!, cell.Text),
                ColumnKind.Boolean => TableSpelling.Matches(cell.Text, column.TrueText!) ? 1 : TableSpelling.Matches(cell.Text, column.FalseText!) ? 0 : -1,
                _ => 0,
            };
        }
        if (column.IsNumber && !missing) row[span.Start] = (cell.Number - column.Offset) * column.Scale;
        else if (column.Kind == ColumnKind.Categorical && known >= 0) row[span.Start + known] = 1f;
        else if (column.Kind == ColumnKind.Boolean && known >= 0) row[span.Start] = known;
        if (span.HasIndicator) row[span.Indicator] = missing ? 1f : 0f;
        observed = !missing && known >= 0 ? 1f : 0f;
        unknown = (missing && !span.HasIndicator) || (!missing && known < 0) ? 1f : 0f;
    }

    private static int IndexOf(IReadOnlyList<string> categories, string text)
    {
        for (int k = 0; k < categories.Count; k++)
            if (categories[k] == text) return k;
        return -1;
    }
}
