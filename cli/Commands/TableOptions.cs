using VaeOnnx.Tables;

namespace VaeOnnx.Cli.Commands;

/// <summary>The table options of <c>vae train</c> (<c>--column-types</c>, <c>--date-format</c>, <c>--ignore-columns</c>, <c>--id-column</c>) parsed, and written back for model.json's training command.</summary>
public static class TableOptions
{
    /// <summary>Parses "name:kind,name:kind" (the last colon of an item separates the name, so names may hold colons).</summary>
    public static IReadOnlyDictionary<string, ColumnKind> ParseColumnTypes(string? text)
    {
        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return kinds;
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = item.LastIndexOf(':');
            if (colon <= 0) throw new CommandUsageException($"--column-types: '{item}' is not name:kind; expected e.g. zip:categorical,age:integer ({EnumText.Choices<ColumnKind>()})");
            var (name, kindText) = (item[..colon].Trim(), item[(colon + 1)..].Trim());
            if (!EnumText.TryParse<ColumnKind>(kindText, out var kind))
                throw new CommandUsageException($"--column-types: '{kindText}' for column '{name}' is not a kind; expected {EnumText.Choices<ColumnKind>()}");
            if (!kinds.TryAdd(name, kind)) throw new CommandUsageException($"--column-types: column '{name}' is given twice");
        }
        return kinds;
    }

    /// <summary>Checks a <c>--date-format</c>: a .NET exact format that writes a date and reads it back, e.g. dd/MM/yyyy.</summary>
    public static string? ParseDateFormat(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var probe = new DateTime(2024, 3, 31, 13, 45, 0, DateTimeKind.Utc);
        bool reads;
        try
        {
            reads = TableDates.TryParse(probe.ToString(text, System.Globalization.CultureInfo.InvariantCulture), text, out var back)
                && back.Date == probe.Date;
        }
        catch (FormatException)
        {
            reads = false;
        }
        return reads ? text : throw new CommandUsageException($"--date-format: '{text}' is not a date format that reads back its own dates; expected e.g. dd/MM/yyyy, MM/dd/yyyy or dd.MM.yyyy HH:mm (yyyy year, MM month, dd day, HH hour, mm minute)");
    }

    /// <summary>The <c>--date-format</c> that reads <paramref name="schema"/>'s date columns again: the one format of theirs that is not ISO 8601, or null.</summary>
    public static string? DateFormat(TableSchema schema) =>
        schema.Columns.Where(c => c.IsDate).Select(c => c.DateFormat!).FirstOrDefault(f => !TableDates.IsoFormats.Contains(f));

    /// <summary>Parses "a,b" into column names.</summary>
    public static IReadOnlyList<string> ParseNames(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Parses every value of a repeatable option, each "a" or "a,b", into column names in the order given.</summary>
    public static IReadOnlyList<string> ParseNames(IEnumerable<string>? texts) => texts is null ? [] : texts.SelectMany(ParseNames).ToArray();

    /// <summary>The read options that rebuild <paramref name="schema"/> from its file: every kind declared, the same columns left out or kept as ids.</summary>
    public static TableReadOptions Reproducing(TableSchema schema) => new()
    {
        ColumnTypes = schema.Columns.ToDictionary(c => c.Name, c => c.Kind, StringComparer.Ordinal),
        IgnoreColumns = schema.IgnoredColumns, IdColumns = schema.IdColumns, BlankNormalColumns = schema.BlankNormalColumns, LabelColumn = schema.LabelColumn, NumericEncoding = Encoding(schema), DateFormat = DateFormat(schema),
    };

    /// <summary>The numeric encoding <paramref name="schema"/> was fitted with: modes when any column has them.</summary>
    public static NumericEncoding Encoding(TableSchema schema) => schema.Columns.Any(c => c.HasModes) ? NumericEncoding.Modes : NumericEncoding.Standard;

    /// <summary>The <c>--column-types</c> value that declares every column of <paramref name="schema"/>.</summary>
    public static string ColumnTypesText(TableSchema schema) => string.Join(",", schema.Columns.Select(c => $"{c.Name}:{EnumText.Of(c.Kind)}"));
}
