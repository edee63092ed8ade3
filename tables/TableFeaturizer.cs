using VaeOnnx.Contract;
namespace VaeOnnx.Tables;

/// <summary>
/// Turns raw table cells into the model's features exactly as the exported encoder graph does (the export's parity check
/// holds the two to 1e-5): numbers (float32) standardised, or as their mode's one-hot and the offset within it
/// (<see cref="ModeEncoding"/>), a blank number imputed at the training mean (0 after scaling; no mode);
/// flags 1/0 (in any <see cref="TableSpelling.Variants"/> of the file's spellings); categories one-hot (exact text), zeros when blank or never seen;
/// then each column's missing-value indicator. A value the training rows never had (an unseen category or flag spelling,
/// a blank in a column that had no blanks) is marked unknown.
/// </summary>
public sealed class TableFeaturizer
{
    // Per column, the code of each text the column knows: a category's index, or 1/0 for every accepted spelling of a flag.
    private readonly Dictionary<string, int>?[] _codes;
    private readonly ModeEncoding?[] _modes;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _missing;

    /// <summary>A featuriser of <paramref name="schema"/>'s columns.</summary>
    public TableFeaturizer(TableSchema schema)
    {
        Schema = schema;
        _codes = schema.Columns.Select(Codes).ToArray();
        _modes = schema.Columns.Select(c => c.HasModes ? new ModeEncoding(c) : null).ToArray();
        _missing = TableSpelling.SetOf(schema.MissingTexts).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The schema.</summary>
    public TableSchema Schema { get; }

    /// <summary>Featurises every row of <paramref name="table"/>, whose header must hold every feature column.</summary>
    public TableFeatures Featurize(RawTable table)
    {
        var columns = ColumnIndices(table.Header, table.Source);
        int d = Schema.FeatureCount, c = Schema.Columns.Count, n = table.Rows.Count;
        var (features, observed, unknown) = (new float[(long)n * d], new float[(long)n * c], new float[(long)n * c]);
        var spans = Schema.Spans;
        for (int r = 0; r < n; r++)
            for (int j = 0; j < c; j++)
            {
                var value = Cell(table, r, columns[j], Schema.Columns[j]);
                Write(j, spans[j], value, features.AsSpan(r * d, d), out observed[r * c + j], out unknown[r * c + j]);
            }
        return new TableFeatures(features, observed, unknown, n);
    }

    /// <summary>
    /// The encoder graph's inputs for the rows of <paramref name="table"/>, one array per feature column: float[] of numbers
    /// (NaN where blank) for numeric and integer columns, and of days since the origin for dates, string[] of the cells for
    /// flags and categories (<see cref="TableBlockReader"/>, as <c>vae score</c> reads a file).
    /// </summary>
    public IReadOnlyList<Array> GraphInputs(RawTable table)
    {
        using var rows = new RawTableRows([table]);
        return new TableBlockReader(rows, this, null, []).Read(table.Rows.Count).Columns;
    }

    /// <summary>Where each feature column is in <paramref name="header"/>; a missing one is named, with <paramref name="source"/>.</summary>
    public int[] ColumnIndices(IReadOnlyList<string> header, string source) => Schema.Columns.Select(c =>
    {
        int i = header.IndexOf(c.Name);
        return i >= 0 ? i : throw new DataFormatException(source, $"no column '{c.Name}'; the model needs the columns {string.Join(", ", Schema.Columns.Select(k => k.Name))}");
    }).ToArray();

    /// <summary>True when <paramref name="cell"/> (trimmed) spells a missing value of the schema.</summary>
    private bool IsMissing(ReadOnlySpan<char> cell) => _missing.Contains(cell);

    /// <summary>
    /// The number of a cell of the numeric or date column <paramref name="column"/>: the number (float32), a date's days since
    /// the column's origin, NaN when blank or missing; a non-number (or non-date) is refused naming <paramref name="source"/>,
    /// the <paramref name="line"/>, the column and the value.
    /// </summary>
    public float Number(TableColumn column, ReadOnlySpan<char> text, string source, int line)
    {
        if (IsMissing(text)) return float.NaN;
        if (column.IsDate)
            return TableDates.TryDays(column, text, out float days) ? days
                : throw new DataFormatException(source, $"line {line}, column '{column.Name}': {TableDates.NotADate(column, text.ToString())} (or a blank cell for a missing one)");
        if (!ColumnTypeInference.TryNumber(text, out double v))
            throw new DataFormatException(source, $"line {line}, column '{column.Name}': '{text}' is not a number; expected {EnumText.Of(column.Kind)} values like 1.5 (or a blank cell for a missing one)");
        return (float)v;
    }

    private (string Text, float Number) Cell(RawTable table, int row, int index, TableColumn column)
    {
        var text = table.Rows[row][index];
        return (text, column.IsNumber ? Number(column, text, table.Source, table.Lines[row]) : float.NaN);
    }

    /// <summary>Writes the features of one cell of column <paramref name="column"/> (its index in the schema) into <paramref name="row"/>.</summary>
    public void Write(int column, ColumnSpan span, (string Text, float Number) cell, Span<float> row, out float observed, out float unknown)
    {
        var c = Schema.Columns[column];
        bool missing = c.IsNumber ? float.IsNaN(cell.Number) : Schema.IsMissing(cell.Text);
        int known = -1;
        if (!missing) known = c.IsNumber ? 0 : _codes[column]!.GetValueOrDefault(cell.Text, -1);
        if (c.IsNumber && !missing && _modes[column] is { } modes)
        {
            int mode = modes.Mode(cell.Number);
            row[span.Start] = modes.Alpha(cell.Number, mode);
            row[span.Start + 1 + mode] = 1f;
        }
        else if (c.IsNumber && !missing) row[span.Start] = (cell.Number - c.Offset) * c.Scale;
        else if (c.Kind == ColumnKind.Categorical && known >= 0) row[span.Start + known] = 1f;
        else if (c.Kind == ColumnKind.Boolean && known >= 0) row[span.Start] = known;
        if (span.HasIndicator) row[span.Indicator] = missing ? 1f : 0f;
        observed = !missing && known >= 0 ? 1f : 0f;
        unknown = (missing && !span.HasIndicator) || (!missing && known < 0) ? 1f : 0f;
    }

    private static Dictionary<string, int>? Codes(TableColumn column)
    {
        switch (column.Kind)
        {
            case ColumnKind.Categorical:
                return column.Categories!.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i, StringComparer.Ordinal);
            case ColumnKind.Boolean:
                return TableSpelling.FlagCodes(column.TrueText!, column.FalseText!).ToDictionary(p => p.Key, p => (int)p.Value, StringComparer.Ordinal);
            default:
                return null;
        }
    }
}
