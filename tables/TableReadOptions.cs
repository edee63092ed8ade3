using VaeOnnx.Contract;
namespace VaeOnnx.Tables;

/// <summary>How a table's columns become a model's features.</summary>
public sealed record TableReadOptions
{
    /// <summary>Kinds that override inference, by column name (e.g. integer codes declared categorical).</summary>
    public IReadOnlyDictionary<string, ColumnKind> ColumnTypes { get; init; } = new Dictionary<string, ColumnKind>();

    /// <summary>Columns left out entirely (ids, free text).</summary>
    public IReadOnlyList<string> IgnoreColumns { get; init; } = [];

    /// <summary>
    /// Id columns: kept out of the features (never inferred as a kind) and recorded in the schema
    /// (<see cref="TableSchema.IdColumns"/>, in the file's column order), so that scores and reports name rows by them.
    /// </summary>
    public IReadOnlyList<string> IdColumns { get; init; } = [];

    /// <summary>
    /// Columns where a blank cell is normal (<see cref="TableSchema.BlankNormalColumns"/>): each gets a missing-value
    /// indicator even when the file has no blank in it, so that a blank is never an unknown value, and the indicator's term
    /// is left out of the anomaly score.
    /// </summary>
    public IReadOnlyList<string> BlankNormalColumns { get; init; } = [];

    /// <summary>A column kept out of the features and recorded as the label (reports use it).</summary>
    public string? LabelColumn { get; init; }

    /// <summary>How numeric and integer columns become features: standardised, or by their modes (TVAE's mode-specific normalisation).</summary>
    public NumericEncoding NumericEncoding { get; init; } = NumericEncoding.Standard;

    /// <summary>
    /// The .NET exact format of dates that are not ISO 8601 (e.g. "dd/MM/yyyy", "MM/dd/yyyy HH:mm"), tried before the ISO
    /// formats on every column that is not a number; a format with hours makes a date-time column. Null: ISO 8601 only.
    /// </summary>
    public string? DateFormat { get; init; }

    /// <summary>A text column with more distinct values than this is refused as id-like.</summary>
    public int MaxCategories { get; init; } = 1000;
}
