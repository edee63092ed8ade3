using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// The column schema of a table model, fitted on the training file and carried in both graphs' metadata
/// (<see cref="VaeMetadataKeys.TableSchema"/>) and the checkpoint: so a pair scores raw rows. The feature vector lays the
/// columns out in order, each as its value features followed by its missing-value indicator (see <see cref="Spans"/>).
/// </summary>
public sealed record TableSchema
{
    /// <summary>Cell texts read as missing (in any of their <see cref="TableSpelling.Variants"/>): empty, NA, N/A, NaN, null, ?.</summary>
    public static readonly IReadOnlyList<string> DefaultMissingTexts = ["", "NA", "N/A", "NaN", "null", "?"];

    /// <summary>The feature columns, in feature order.</summary>
    [JsonPropertyName("columns")] public required IReadOnlyList<TableColumn> Columns { get; init; }

    /// <summary>Cell texts read as missing.</summary>
    [JsonPropertyName("missing_texts")] public IReadOnlyList<string> MissingTexts { get; init; } = DefaultMissingTexts;

    /// <summary>Rows the schema's statistics were fitted on; sets the cost of a value never seen in training.</summary>
    [JsonPropertyName("training_rows")] public required int TrainingRows { get; init; }

    /// <summary>The label column of the training file, kept out of the features (reports use it), or null.</summary>
    [JsonPropertyName("label_column")] public string? LabelColumn { get; init; }

    /// <summary>Columns of the training file left out (ids, free text).</summary>
    [JsonPropertyName("ignored_columns")] public IReadOnlyList<string> IgnoredColumns { get; init; } = [];

    /// <summary>
    /// Id columns of the training file, in its column order: never features, but carried through by <c>vae score</c> (the
    /// first columns of each output row), given fresh values by <c>vae synthesize</c> (<see cref="TableIds"/>) and naming
    /// rows in reports. Empty for a model trained without one.
    /// </summary>
    [JsonIgnore] public IReadOnlyList<string> IdColumns { get; init; } = [];

    // Written only when there are id columns, so that the schema JSON of a pair without them stays byte for byte as before.
    [JsonInclude, JsonPropertyName("id_columns"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private IReadOnlyList<string>? IdColumnsJson { get => IdColumns.Count > 0 ? IdColumns : null; init => IdColumns = value ?? []; }

    /// <summary>The anomaly threshold calibrated at export, or null before export.</summary>
    [JsonPropertyName("threshold")] public AnomalyThreshold? Threshold { get; init; }

    /// <summary>
    /// Columns where the user declared a blank cell normal (<c>vae train --blank-normal</c>): their missing-value indicator
    /// is still modelled, but its term is left out of the score, so a blank there never raises a row. Empty by default.
    /// </summary>
    [JsonIgnore] public IReadOnlyList<string> BlankNormalColumns { get; init; } = [];

    // Written only when there are some, so that the schema JSON of a pair without them stays byte for byte as before.
    [JsonInclude, JsonPropertyName("blank_normal"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private IReadOnlyList<string>? BlankNormalJson { get => BlankNormalColumns.Count > 0 ? BlankNormalColumns : null; init => BlankNormalColumns = value ?? []; }

    /// <summary>
    /// How far outside its training range [min, max] a number must be, in training standard deviations (1 / scale), to be
    /// an out-of-range value, anomalous like an unknown category (see <see cref="TableScoreGraph"/>).
    /// </summary>
    public const double RangeMarginSd = 4;

    /// <summary>
    /// The cost in nats of a value the training rows never had (a category or flag spelling never seen, or a blank cell
    /// in a column that had none): ln(n + 1), the surprise of an event with the Laplace-smoothed probability 1/(n + 1).
    /// </summary>
    [JsonIgnore] public double UnknownCost => Math.Log(TrainingRows + 1.0);

    /// <summary>Width of the feature vector.</summary>
    [JsonIgnore] public int FeatureCount => Columns.Sum(c => c.FeatureWidth);

    /// <summary>Where each column's features sit, in column order.</summary>
    [JsonIgnore] public IReadOnlyList<ColumnSpan> Spans
    {
        get
        {
            var spans = new List<ColumnSpan>(Columns.Count);
            int start = 0;
            foreach (var c in Columns)
            {
                spans.Add(new ColumnSpan(start, c.ValueWidth, c.HasMissing ? start + c.ValueWidth : -1));
                start += c.FeatureWidth;
            }
            return spans;
        }
    }

    /// <summary>A name per feature: "age", "city=Berlin", "income.missing".</summary>
    public IReadOnlyList<string> FeatureNames()
    {
        var names = new List<string>(FeatureCount);
        foreach (var c in Columns)
        {
            if (c.Kind == ColumnKind.Categorical) names.AddRange(c.Categories!.Select(k => $"{c.Name}={k}"));
            else names.Add(c.Name);
            if (c.HasModes) names.AddRange(Enumerable.Range(1, c.Modes!.Count).Select(k => $"{c.Name}.mode{k}"));
            if (c.HasMissing) names.Add($"{c.Name}.missing");
        }
        return names;
    }

    /// <summary>True when <paramref name="cell"/> (already trimmed) spells a missing value.</summary>
    public bool IsMissing(string cell) => MissingSpellingSets.GetValue(MissingTexts, TableSpelling.SetOf).Contains(cell);

    // Keyed by the list itself rather than held in a field, so that the record's equality and `with` copies stay plain data.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<string>, HashSet<string>> MissingSpellingSets = new();

    /// <summary>
    /// The widths of the feature vector's blocks in order: each column's value features, then its missing-value indicator
    /// (1) where it has one. The graphs split x_hat, logits and features along these.
    /// </summary>
    public long[] BlockWidths() => Columns.SelectMany(c => c.HasMissing ? new long[] { c.ValueWidth, 1 } : [c.ValueWidth]).ToArray();

    /// <summary>Every spelling of a missing value the encoder graph recognises.</summary>
    public IReadOnlyList<string> MissingSpellings() => MissingTexts.SelectMany(TableSpelling.Variants).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The column named <paramref name="name"/>, or null.</summary>
    public TableColumn? Column(string name) => Columns.FirstOrDefault(c => c.Name == name);

    /// <summary>Checks every field and says which one is wrong and what was expected.</summary>
    /// <exception cref="InvalidDataException">The field and the problem, without a file name (the caller knows the file).</exception>
    public void Validate()
    {
        static void Fail(string field, string problem) => throw new InvalidDataException($"field '{field}' {problem}");
        if (Columns is null || Columns.Count == 0) Fail("columns", "is empty; expected at least one feature column");
        if (TrainingRows < 1) Fail("training_rows", $"is {TrainingRows}; expected at least 1");
        if (MissingTexts is null || MissingTexts.Any(m => m is null)) Fail("missing_texts", "must be a list of texts");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Columns!.Count; i++)
        {
            var c = Columns[i];
            var at = $"columns[{i}]";
            if (c is null || string.IsNullOrEmpty(c.Name)) Fail($"{at}.name", "is missing or empty");
            if (!names.Add(c!.Name)) Fail($"{at}.name", $"'{c.Name}' appears twice; expected unique column names");
            if (!Enum.IsDefined(c.Kind)) Fail($"{at}.kind", $"is {(int)c.Kind}; expected {EnumText.Choices<ColumnKind>()}");
            ValidateColumn(c, at, Fail);
        }
        ValidateIdColumns(names, Fail);
        if (BlankNormalColumns.FirstOrDefault(b => Column(b) is not { HasMissing: true }) is { } notBlank)
            Fail("blank_normal", $"names '{notBlank}', which is not a feature column with a missing-value indicator");
        if (Threshold is { } t && (!double.IsFinite(t.Score) || !(t.FalseAlarmRate > 0 && t.FalseAlarmRate < 1)))
            Fail("threshold", "must hold a finite score and a false-alarm rate between 0 and 1");
    }

    private void ValidateIdColumns(HashSet<string> featureNames, Action<string, string> fail)
    {
        if (IdColumns.Any(string.IsNullOrEmpty)) fail("id_columns", "holds an empty name");
        if (IdColumns.Distinct(StringComparer.Ordinal).Count() != IdColumns.Count) fail("id_columns", "names a column twice");
        if (IdColumns.FirstOrDefault(featureNames.Contains) is { } both) fail("id_columns", $"names '{both}', which is also a feature column");
    }

    private static void ValidateColumn(TableColumn c, string at, Action<string, string> fail)
    {
        if (!(c.MissingRate >= 0 && c.MissingRate <= 1)) fail($"{at}.missing_rate", $"is {c.MissingRate}; expected 0 to 1");
        if (c.MissingRate > 0 && !c.HasMissing) fail($"{at}.has_missing", "is false but missing_rate is above 0");
        switch (c.Kind)
        {
            case ColumnKind.Categorical or ColumnKind.Boolean when c.Modes is not null:
                fail($"{at}.modes", "is set on a text column; modes encode numeric and integer columns only");
                break;
            case ColumnKind.Categorical:
                if (c.Categories is null || c.Categories.Count == 0 || c.Categories.Any(k => k is null))
                    fail($"{at}.categories", "must list at least one category");
                else if (c.Categories.Distinct(StringComparer.Ordinal).Count() != c.Categories.Count)
                    fail($"{at}.categories", "lists a category twice");
                break;
            case ColumnKind.Boolean:
                if (string.IsNullOrEmpty(c.TrueText) || string.IsNullOrEmpty(c.FalseText) || c.TrueText == c.FalseText)
                    fail($"{at}.true_text/false_text", "must be two different non-empty spellings");
                break;
            default:
                if (!float.IsFinite(c.Offset) || !float.IsFinite(c.Scale) || c.Scale == 0)
                    fail($"{at}.offset/scale", "must be finite with a non-zero scale");
                if (!double.IsFinite(c.Min) || !double.IsFinite(c.Max) || c.Min > c.Max)
                    fail($"{at}.min/max", "must be finite with min <= max");
                if (c.Decimals is < 0 or > 9) fail($"{at}.decimals", $"is {c.Decimals}; expected 0 to 9");
                if (c.Modes is { } modes) ValidateModes(modes, $"{at}.modes", fail);
                if (c.IsDate && (string.IsNullOrWhiteSpace(c.DateFormat) || c.Origin is null))
                    fail($"{at}.date_format/origin", "must be set on a date column: the format its cells are written in and the date its days count from");
                break;
        }
    }

    /// <summary>The most modes a column's mixture may have (TVAE's 10).</summary>
    public const int MaxModes = 10;

    private static void ValidateModes(IReadOnlyList<NumericMode> modes, string at, Action<string, string> fail)
    {
        if (modes.Count is 0 or > MaxModes) fail(at, $"lists {modes.Count} modes; expected 1 to {MaxModes}");
        for (int k = 0; k < modes.Count; k++)
        {
            var m = modes[k];
            // The bounds keep every float32 constant of the encoding (1 / 4s, log w - log s, ...) finite.
            if (m is null || !(m.Weight >= 1e-6 && m.Weight <= 1) || !(Math.Abs(m.Mean) < 1e30) || !(m.Std >= 1e-20 && m.Std <= 1e20))
                fail($"{at}[{k}]", "must hold a weight in [1e-6, 1], a mean below 1e30 in magnitude and a std in [1e-20, 1e20]");
        }
    }

    /// <summary>Parses and checks a metadata value; a bad one is a <see cref="ModelFileException"/> naming the file, the key and the field.</summary>
    public static TableSchema Parse(string json, string file, int featureCount)
    {
        TableSchema? schema;
        try
        {
            schema = JsonSerializer.Deserialize<TableSchema>(json);
        }
        catch (JsonException e)
        {
            throw new ModelFileException(file, $"metadata '{VaeMetadataKeys.TableSchema}' is not a valid table schema ({e.Message})", e);
        }
        if (schema is null) throw new ModelFileException(file, $"metadata '{VaeMetadataKeys.TableSchema}' is empty");
        try
        {
            schema.Validate();
        }
        catch (InvalidDataException e)
        {
            throw new ModelFileException(file, $"metadata '{VaeMetadataKeys.TableSchema}': {e.Message}", e);
        }
        if (schema.FeatureCount != featureCount)
            throw new ModelFileException(file, $"metadata '{VaeMetadataKeys.TableSchema}' lays out {schema.FeatureCount} features; the graph has {featureCount}");
        return schema;
    }

    /// <summary>The schema as the metadata value.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);
}
