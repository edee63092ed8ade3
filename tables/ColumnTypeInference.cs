using VaeOnnx.Contract;
using System.Globalization;

namespace VaeOnnx.Tables;

/// <summary>
/// Infers a <see cref="TableSchema"/> from a training file. Kinds, categories and which columns have blank cells come from
/// the whole file (so every split shares one layout); means, standard deviations, ranges and missing rates from the training
/// rows only. A column is boolean when its values are one of the pairs yes/no, true/false, y/n, t/f or 1/0 (any case), numeric
/// when every value is a number (integer when every one is whole), a date or date-time when every value is one in an ISO
/// 8601 format (<see cref="TableDates.IsoFormats"/>) or in <see cref="TableReadOptions.DateFormat"/>, else categorical.
/// <see cref="TableReadOptions.ColumnTypes"/> overrides the inference.
/// </summary>
public static class ColumnTypeInference
{
    private static readonly (string True, string False)[] FlagPairs = [("yes", "no"), ("true", "false"), ("y", "n"), ("t", "f"), ("1", "0")];

    /// <summary>Infers the schema of <paramref name="table"/>; statistics use the rows at <paramref name="trainingRows"/>.</summary>
    public static TableSchema Infer(RawTable table, IReadOnlyList<int> trainingRows, TableReadOptions options)
    {
        var features = FeatureColumns(table, options);
        var missingTexts = TableSchema.DefaultMissingTexts;
        var missingSpellings = TableSpelling.SetOf(missingTexts);
        bool IsMissing(string cell) => missingSpellings.Contains(cell);
        var columns = new List<TableColumn>(features.Count);
        foreach (int index in features)
        {
            var name = table.Header[index];
            var present = Enumerable.Range(0, table.Rows.Count).Where(r => !IsMissing(table.Rows[r][index])).ToArray();
            if (present.Length == 0)
                throw new DataFormatException(table.Source, $"column '{name}' is blank in every row; expected values, or leave it out with --ignore-columns {name}");
            var declared = options.ColumnTypes.TryGetValue(name, out var kind) ? kind : (ColumnKind?)null;
            var column = Describe(table, index, present, declared, options);
            int trainMissing = trainingRows.Count(r => IsMissing(table.Rows[r][index]));
            column = column with
            {
                HasMissing = present.Length < table.Rows.Count || options.BlankNormalColumns.Contains(name),
                MissingRate = trainingRows.Count == 0 ? 0 : (double)trainMissing / trainingRows.Count,
            };
            // A date-time's decimals first: its spikes (NumberStatistics) are as fine as them.
            if (column.IsDate && column.Kind == ColumnKind.DateTime) column = column with { Decimals = DateTimeDecimals };
            if (column.IsNumber) column = NumberStatistics(table, index, trainingRows.Where(r => !IsMissing(table.Rows[r][index])).ToArray(), column, options.NumericEncoding);
            columns.Add(column);
        }
        return new TableSchema
        {
            Columns = columns, MissingTexts = missingTexts, TrainingRows = trainingRows.Count, LabelColumn = options.LabelColumn,
            IgnoredColumns = options.IgnoreColumns, IdColumns = IdColumns(table, options), BlankNormalColumns = options.BlankNormalColumns,
        };
    }

    /// <summary>Indices of the feature columns: every column but the ignored ones and the label, each option name checked.</summary>
    private static List<int> FeatureColumns(RawTable table, TableReadOptions options)
    {
        string Columns() => string.Join(", ", table.Header);
        void Check(string name, string option)
        {
            if (table.IndexOf(name) < 0) throw new DataFormatException(table.Source, $"{option}: no column '{name}'; the columns are {Columns()}");
        }
        foreach (var name in options.IgnoreColumns) Check(name, "--ignore-columns");
        foreach (var name in options.IdColumns) Check(name, "--id-column");
        foreach (var name in options.ColumnTypes.Keys) Check(name, "--column-types");
        foreach (var name in options.BlankNormalColumns) Check(name, "--blank-normal");
        if (options.LabelColumn is { } label) Check(label, "--label-column");
        var left = new HashSet<string>(options.IgnoreColumns, StringComparer.Ordinal);
        if (options.IdColumns.FirstOrDefault(id => left.Contains(id) || id == options.LabelColumn) is { } twice)
            throw new DataFormatException(table.Source, $"--id-column names '{twice}', which is also ignored or the label; a column is one of them");
        left.UnionWith(options.IdColumns);
        if (options.LabelColumn is not null) left.Add(options.LabelColumn);
        if (options.BlankNormalColumns.FirstOrDefault(left.Contains) is { } blankButLeft)
            throw new DataFormatException(table.Source, $"--blank-normal names '{blankButLeft}', which is ignored, an id or the label; name feature columns");
        var typedButLeft = options.ColumnTypes.Keys.FirstOrDefault(left.Contains);
        if (typedButLeft is not null) throw new DataFormatException(table.Source, $"--column-types names '{typedButLeft}', which is ignored, an id or the label; a column is either a feature or left out");
        var features = Enumerable.Range(0, table.Header.Count).Where(i => !left.Contains(table.Header[i])).ToList();
        var reserved = features.Select(i => table.Header[i]).FirstOrDefault(TableGraphNames.Reserved.Contains);
        if (reserved is not null)
            throw new DataFormatException(table.Source, $"column '{reserved}' has a name the model's graphs use for their own values ({string.Join(", ", TableGraphNames.Reserved)}); rename the column, or leave it out with --ignore-columns {reserved}");
        if (features.Count == 0) throw new DataFormatException(table.Source, $"no feature columns left; the columns are {Columns()}");
        return features;
    }

    /// <summary>The id columns in the file's column order; an id spelled like a synthetic one is refused, naming its line.</summary>
    private static IReadOnlyList<string> IdColumns(RawTable table, TableReadOptions options)
    {
        var indices = options.IdColumns.Select(table.IndexOf).Distinct().Order().ToArray();
        foreach (int index in indices)
            for (int r = 0; r < table.Rows.Count; r++)
                if (TableIds.IsSyntheticSpelling(table.Rows[r][index]))
                    throw new DataFormatException(table.Source,
                        $"line {table.Lines[r]}, id column '{table.Header[index]}': '{table.Rows[r][index]}' starts with '{TableIds.Prefix}', which vae synthesize gives its fresh ids; rename such ids so that synthetic rows never share one");
        return indices.Select(i => table.Header[i]).ToArray();
    }

    /// <summary>Decimals of a date-time's days that synthetic values keep: 1e-6 day is 0.09 s, finer than any format writes.</summary>
    private const int DateTimeDecimals = 6;

    private static TableColumn Describe(RawTable table, int index, int[] present, ColumnKind? declared, TableReadOptions options)
    {
        var name = table.Header[index];
        var values = present.Select(r => table.Rows[r][index]).ToArray();
        var distinct = values.Distinct(StringComparer.Ordinal).ToArray();
        var dateFormats = DateFormats(options);
        var kind = declared ?? Infer(distinct, dateFormats);
        switch (kind)
        {
            case ColumnKind.Date or ColumnKind.DateTime:
                return DateColumn(table, index, kind, present, distinct, dateFormats);
            case ColumnKind.Boolean:
                var (t, f) = Spellings(table, name, distinct);
                return new TableColumn { Name = name, Kind = kind, TrueText = t, FalseText = f };
            case ColumnKind.Categorical:
                if (distinct.Length > options.MaxCategories || (declared is null && distinct.Length == values.Length && values.Length >= MinRowsForIdCheck))
                    throw new DataFormatException(table.Source,
                        $"column '{name}' has {distinct.Length:N0} distinct values in {values.Length:N0} rows: it looks like an id or free text, not a category; leave it out with --ignore-columns {name}");
                return new TableColumn { Name = name, Kind = kind, Categories = SortCategories(distinct) };
            default:
                if (declared is null && kind == ColumnKind.Integer && LooksLikeId(name, values, distinct.Length))
                    throw new DataFormatException(table.Source,
                        $"column '{name}' holds {distinct.Length:N0} distinct whole numbers in {values.Length:N0} rows: it looks like an id or a row number, not a quantity; leave it out with --ignore-columns {name} (or keep it with --column-types {name}:integer)");
                for (int i = 0; i < present.Length; i++)
                    if (!TryNumber(values[i], out double v) || (kind == ColumnKind.Integer && v != Math.Round(v)))
                        throw new DataFormatException(table.Source,
                            $"line {table.Lines[present[i]]}, column '{name}': '{values[i]}' is not {(kind == ColumnKind.Integer ? "a whole number" : "a number")}; the column was declared {EnumText.Of(kind)}");
                return new TableColumn { Name = name, Kind = kind, Decimals = kind == ColumnKind.Integer ? 0 : values.Max(Decimals) };
        }
    }

    /// <summary>Fewest values for a column to be judged id-like: in a small table every column may look unique.</summary>
    public const int MinRowsForIdCheck = 50;

    private static readonly HashSet<string> IdWords = new(StringComparer.OrdinalIgnoreCase) { "id", "ids", "uuid", "guid", "key", "no", "nr", "num", "number", "code", "ref" };

    /// <summary>
    /// An integer column is an id when at least 90% of its values are distinct and its name has an id word (BreastCancer's
    /// "Id", "customer_id", "OrderNo", "caseNumber"), or when all its values are distinct and consecutive (a row number).
    /// Amounts, counts and years fail both: an amount column rarely has an id word, and its values are never a run.
    /// </summary>
    private static bool LooksLikeId(string name, string[] values, int distinct)
    {
        if (values.Length < MinRowsForIdCheck) return false;
        if (distinct >= 0.9 * values.Length && NameWords(name).Any(IdWords.Contains)) return true;
        if (distinct != values.Length) return false;
        var numbers = values.Select(v => { TryNumber(v, out double d); return d; }).ToArray();
        return numbers.Max() - numbers.Min() == values.Length - 1;
    }

    /// <summary>The words of a column name: split at anything but letters and digits, and where lower case turns upper ("caseNumber").</summary>
    private static IEnumerable<string> NameWords(string name)
    {
        var word = new System.Text.StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool boundary = !char.IsLetterOrDigit(c) || (char.IsUpper(c) && i > 0 && char.IsLower(name[i - 1]));
            if (boundary && word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
            if (char.IsLetterOrDigit(c)) word.Append(c);
        }
        if (word.Length > 0) yield return word.ToString();
    }

    private static ColumnKind Infer(string[] distinct, IReadOnlyList<string> dateFormats)
    {
        var lower = distinct.Select(d => d.ToLowerInvariant()).Distinct().ToArray();
        if (lower.Length <= 2 && FlagPairs.Any(p => lower.All(v => v == p.True || v == p.False))) return ColumnKind.Boolean;
        var numbers = new double[distinct.Length];
        for (int i = 0; i < distinct.Length; i++)
        {
            if (TryNumber(distinct[i], out numbers[i])) continue;
            var format = TableDates.FormatOf(distinct, dateFormats);
            return format is null ? ColumnKind.Categorical : TableDates.HasTime(format) ? ColumnKind.DateTime : ColumnKind.Date;
        }
        return numbers.All(n => n == Math.Round(n) && Math.Abs(n) < 1e15) ? ColumnKind.Integer : ColumnKind.Numeric;
    }

    /// <summary>The date formats a column may be written in, in the order tried: the declared one, then ISO 8601's.</summary>
    private static IReadOnlyList<string> DateFormats(TableReadOptions options) =>
        options.DateFormat is { } declared ? [declared, .. TableDates.IsoFormats] : TableDates.IsoFormats;

    /// <summary>
    /// A date column: the first format that reads all its values, and its origin, midnight of the earliest date. A value no
    /// format reads is refused, naming its line and the formats tried.
    /// </summary>
    private static TableColumn DateColumn(RawTable table, int index, ColumnKind kind, int[] present, string[] distinct, IReadOnlyList<string> formats)
    {
        var name = table.Header[index];
        var format = TableDates.FormatOf(distinct, formats);
        if (format is null)
        {
            int bad = present.FirstOrDefault(r => !formats.Any(f => TableDates.TryParse(table.Rows[r][index], f, out _)), -1);
            var (tried, declared) = (string.Join(", ", formats), $"the column was declared {EnumText.Of(kind)}; give its format with --date-format (e.g. --date-format dd/MM/yyyy)");
            throw new DataFormatException(table.Source, bad >= 0
                ? $"line {table.Lines[bad]}, column '{name}': '{table.Rows[bad][index]}' is not a date in any of the formats {tried}; {declared}"
                : $"column '{name}': no one of the formats {tried} reads every value; {declared}");
        }
        var earliest = distinct.Min(v => TableDates.TryParse(v, format, out var utc) ? utc : DateTime.MaxValue);
        return new TableColumn { Name = name, Kind = kind, DateFormat = format, Origin = DateTime.SpecifyKind(earliest.Date, DateTimeKind.Utc) };
    }

    /// <summary>The file's own spellings of true and false (for one side never seen, the pair's word in the seen side's case).</summary>
    private static (string True, string False) Spellings(RawTable table, string name, string[] distinct)
    {
        foreach (var (t, f) in FlagPairs)
        {
            var trueSpelling = distinct.FirstOrDefault(d => d.Equals(t, StringComparison.OrdinalIgnoreCase));
            var falseSpelling = distinct.FirstOrDefault(d => d.Equals(f, StringComparison.OrdinalIgnoreCase));
            if (distinct.All(d => d.Equals(t, StringComparison.OrdinalIgnoreCase) || d.Equals(f, StringComparison.OrdinalIgnoreCase)))
            {
                var seen = trueSpelling ?? falseSpelling!;
                string Like(string word) => seen.All(char.IsUpper) ? word.ToUpperInvariant() : char.IsUpper(seen[0]) ? char.ToUpperInvariant(word[0]) + word[1..] : word;
                return (trueSpelling ?? Like(t), falseSpelling ?? Like(f));
            }
        }
        if (distinct.Length != 2)
            throw new DataFormatException(table.Source, $"column '{name}' was declared boolean but has {distinct.Length} distinct values ({string.Join(", ", distinct.Take(5))}); expected two");
        var sorted = distinct.Order(StringComparer.Ordinal).ToArray();
        return (sorted[1], sorted[0]);
    }

    private static IReadOnlyList<string> SortCategories(string[] distinct)
    {
        var numbers = new double[distinct.Length];
        bool numeric = distinct.Select((d, i) => TryNumber(d, out numbers[i])).All(ok => ok);
        return numeric ? distinct.Zip(numbers).OrderBy(p => p.Second).Select(p => p.First).ToArray() : distinct.Order(StringComparer.Ordinal).ToArray();
    }

    private static TableColumn NumberStatistics(RawTable table, int index, int[] rows, TableColumn column, NumericEncoding encoding)
    {
        if (rows.Length == 0) return column with { Offset = 0, Scale = 1 };
        var values = rows.Select(r => Number(column, table.Rows[r][index])).ToArray();
        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        return column with
        {
            Offset = (float)mean, Scale = std > 0 ? (float)(1.0 / std) : 1f, Min = values.Min(), Max = values.Max(),
            Modes = encoding == NumericEncoding.Modes ? ModeMixture.FitWithSpikes(values, column.IsWhole ? 0 : column.Decimals) : null,
        };
    }

    /// <summary>A cell of a number column already checked to parse: the number, or a date's days since its origin.</summary>
    private static double Number(TableColumn column, string cell)
    {
        double value;
        if (column.IsDate && TableDates.TryDays(column, cell, out float days)) value = days;
        else TryNumber(cell, out value);
        return value;
    }

    /// <summary>Parses an invariant-culture finite number.</summary>
    public static bool TryNumber(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static int Decimals(string text)
    {
        if (text.Contains('e', StringComparison.OrdinalIgnoreCase)) return 6;
        int dot = text.IndexOf('.');
        return dot < 0 ? 0 : Math.Min(9, text.Length - dot - 1);
    }
}
