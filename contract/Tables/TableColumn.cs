using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// One feature column of a table model: its name and kind, what was learned about it on the training rows, and how it
/// becomes features. Numbers are standardised, <c>(raw - Offset) * Scale</c>; a category is one-hot over
/// <see cref="Categories"/>; a flag is 1 for <see cref="TrueText"/> and 0 for <see cref="FalseText"/>. A column that had
/// blank cells in the training file gets one more feature, its missing-value indicator. A date is a number too: days since
/// <see cref="Origin"/>, read and written in <see cref="DateFormat"/> (see <see cref="TableDates"/>).
/// </summary>
public sealed record TableColumn
{
    /// <summary>The column's name in the training file's header.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>What the column holds.</summary>
    [JsonPropertyName("kind")] public required ColumnKind Kind { get; init; }

    /// <summary>Categorical columns: the categories in feature order, as the file wrote them.</summary>
    [JsonPropertyName("categories")] public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>Boolean columns: the file's spelling of true (e.g. "yes").</summary>
    [JsonPropertyName("true_text")] public string? TrueText { get; init; }

    /// <summary>Boolean columns: the file's spelling of false (e.g. "no").</summary>
    [JsonPropertyName("false_text")] public string? FalseText { get; init; }

    /// <summary>Numeric and integer columns: the training mean, subtracted before scaling.</summary>
    [JsonPropertyName("offset")] public float Offset { get; init; }

    /// <summary>Numeric and integer columns: 1 / training standard deviation (1 for a constant column).</summary>
    [JsonPropertyName("scale")] public float Scale { get; init; } = 1;

    /// <summary>Numeric and integer columns: the smallest training value (synthetic values are kept within the training range).</summary>
    [JsonPropertyName("min")] public double Min { get; init; }

    /// <summary>Numeric and integer columns: the largest training value.</summary>
    [JsonPropertyName("max")] public double Max { get; init; }

    /// <summary>
    /// Numeric and integer columns under <see cref="NumericEncoding.Modes"/>: the modes of the column's Gaussian mixture,
    /// fitted on the training values; null for the standard encoding. The column's value features are then its offset
    /// within the mode and the mode's one-hot (see <see cref="ModeEncoding"/>).
    /// </summary>
    [JsonPropertyName("modes")] public IReadOnlyList<NumericMode>? Modes { get; init; }

    /// <summary>Numeric columns: decimal places the file wrote at most, so that synthetic values read like real ones.</summary>
    [JsonPropertyName("decimals")] public int Decimals { get; init; }

    /// <summary>
    /// Date and date-time columns: the .NET exact format the file writes them in (e.g. "yyyy-MM-dd", "dd/MM/yyyy"); null
    /// for other kinds (and not written, so that a schema without dates reads as before).
    /// </summary>
    [JsonPropertyName("date_format"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? DateFormat { get; init; }

    /// <summary>
    /// Date and date-time columns: midnight (UTC) of the earliest date in the training file. The column's number, which the
    /// encoder graph takes and the decoder graph gives, is days since this origin, so that it stays small enough for float32
    /// to hold a date-time to well under a minute over decades. Offset, scale, min and max are in those days.
    /// </summary>
    [JsonPropertyName("origin"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTime? Origin { get; init; }

    /// <summary>Fraction of training rows with a blank cell in this column.</summary>
    [JsonPropertyName("missing_rate")] public double MissingRate { get; init; }

    /// <summary>True when the column has a missing-value indicator feature: the file had blank cells in it.</summary>
    [JsonPropertyName("has_missing")] public bool HasMissing { get; init; }

    /// <summary>Features of the value: the number of categories, 1 + the number of modes of a mode-encoded number, else 1.</summary>
    [JsonIgnore] public int ValueWidth => Kind == ColumnKind.Categorical ? Categories?.Count ?? 0 : 1 + (IsNumber ? Modes?.Count ?? 0 : 0);

    /// <summary>True for a number encoded by its modes (<see cref="NumericEncoding.Modes"/>).</summary>
    [JsonIgnore] public bool HasModes => IsNumber && Modes is not null;

    /// <summary>Features of the column: the value's plus the missing-value indicator.</summary>
    [JsonIgnore] public int FeatureWidth => ValueWidth + (HasMissing ? 1 : 0);

    /// <summary>True for the columns modelled as a number: numeric, integer, and dates (days since <see cref="Origin"/>).</summary>
    [JsonIgnore] public bool IsNumber => Kind is ColumnKind.Numeric or ColumnKind.Integer || IsDate;

    /// <summary>True for date and date-time columns: numbers whose cells are dates.</summary>
    [JsonIgnore] public bool IsDate => Kind is ColumnKind.Date or ColumnKind.DateTime;

    /// <summary>True for the numbers that are whole (integers, and dates in days): decoded and synthesized values are rounded.</summary>
    [JsonIgnore] public bool IsWhole => Kind is ColumnKind.Integer or ColumnKind.Date;

    /// <summary>An ordinary value of the column as the file would write it (the first category, true, the mean), for probe and parity rows.</summary>
    public string TypicalText() => Kind switch
    {
        ColumnKind.Categorical => Categories![0],
        ColumnKind.Boolean => TrueText!,
        ColumnKind.Date or ColumnKind.DateTime => TableDates.Text(this, Offset),
        _ => Offset.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>True when the model's input and typed output for this column are text (categories and flags).</summary>
    [JsonIgnore] public bool IsText => Kind is ColumnKind.Categorical or ColumnKind.Boolean;
}
