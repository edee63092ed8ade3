using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// One feature column of a table model: its name and kind, what was learned about it on the training rows, and how it
/// becomes features. Numbers are standardised, <c>(raw - Offset) * Scale</c>; a category is one-hot over
/// <see cref="Categories"/>; a flag is 1 for <see cref="TrueText"/> and 0 for <see cref="FalseText"/>. A column that had
/// blank cells in the training file gets one more feature, its missing-value indicator.
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

    /// <summary>True for numeric and integer columns.</summary>
    [JsonIgnore] public bool IsNumber => Kind is ColumnKind.Numeric or ColumnKind.Integer;

    /// <summary>An ordinary value of the column as the file would write it (the first category, true, the mean), for probe and parity rows.</summary>
    public string TypicalText() => Kind switch
    {
        ColumnKind.Categorical => Categories![0],
        ColumnKind.Boolean => TrueText!,
        _ => Offset.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>True when the model's input and typed output for this column are text (categories and flags).</summary>
    [JsonIgnore] public bool IsText => Kind is ColumnKind.Categorical or ColumnKind.Boolean;
}
