using System.Globalization;
using VaeOnnx.Contract;

namespace VaeOnnx.Tables;

/// <summary>
/// The condition of a conditional table model: a categorical column of the training file, kept out of the features and
/// given to both halves as a one-hot c. Its classes are the column's distinct values in ordinal order (stable for the same
/// file, whatever the row order); their proportions are counted on the training rows.
/// </summary>
public static class TableCondition
{
    /// <summary>The most classes a condition column may have: beyond this it is an id or free text, not a segment.</summary>
    public const int MaxClasses = 64;

    /// <summary>
    /// The condition read from <paramref name="column"/> of <paramref name="table"/>; a missing, numeric, blank-valued or
    /// too varied column is refused naming the file, the column and what was expected.
    /// </summary>
    public static ConditionSpec Fit(RawTable table, string column, IReadOnlyList<int> trainingRows, IReadOnlyList<string>? missingTexts = null)
    {
        int index = table.IndexOf(column);
        if (index < 0)
            throw new DataFormatException(table.Source, $"--condition-column: no column '{column}'; the columns are {string.Join(", ", table.Header)}");
        var missing = TableSpelling.SetOf(missingTexts ?? TableSchema.DefaultMissingTexts);
        var values = table.Rows.Select(r => r[index]).ToArray();
        var present = values.Where(v => !missing.Contains(v)).ToArray();
        if (present.Length > 0 && present.All(v => ColumnTypeInference.TryNumber(v, out _)))
            throw new DataFormatException(table.Source, $"condition column '{column}' holds numbers ({string.Join(", ", present.Distinct(StringComparer.Ordinal).Take(3))}, ...); expected a categorical column of text values such as gold, silver (write numeric codes as text, e.g. tier1, to condition on them)");
        int blank = Array.FindIndex(values, missing.Contains);
        if (blank >= 0)
            throw new DataFormatException(table.Source, $"line {table.Lines[blank]}, condition column '{column}': the cell is blank or missing ('{values[blank]}'); a condition needs a category in every row (fill or drop those rows)");
        var classes = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length > MaxClasses)
            throw new DataFormatException(table.Source, $"condition column '{column}' has {classes.Length} categories; expected 2 to {MaxClasses} (a column with more is an id or free text, not a segment)");
        if (classes.Length < 2)
            throw new DataFormatException(table.Source, $"condition column '{column}' has the single value '{classes[0]}'; expected 2 to {MaxClasses} categories");
        var counts = new double[classes.Length];
        var code = CodeOf(classes);
        foreach (int r in trainingRows) counts[code[values[r]]]++;
        double total = Math.Max(1, trainingRows.Count);
        return new ConditionSpec { Column = column, Classes = classes, Proportions = counts.Select(c => c / total).ToArray() };
    }

    /// <summary>The class index of every row of <paramref name="rows"/>; a value that is not a class is refused naming the line, the column and the classes.</summary>
    public static int[] Codes(RawTable rows, ConditionSpec condition)
    {
        int index = ColumnIndex(rows.Header, rows.Source, condition);
        var code = Lookup(condition);
        return rows.Rows.Select((r, i) => Code(code, r[index], condition, rows.Source, rows.Lines[i])).ToArray();
    }

    /// <summary>Where <paramref name="condition"/>'s column is in <paramref name="header"/>; a missing one is refused naming <paramref name="source"/>.</summary>
    public static int ColumnIndex(IReadOnlyList<string> header, string source, ConditionSpec condition)
    {
        int index = header.IndexOf(condition.Column);
        return index >= 0 ? index
            : throw new DataFormatException(source, $"no condition column '{condition.Column}'; the model is conditioned on it (one of {string.Join(", ", condition.Classes)} per row)");
    }

    /// <summary>The class index of each of <paramref name="condition"/>'s classes, looked up by a cell's text without making a string of it.</summary>
    public static Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup(ConditionSpec condition) =>
        CodeOf(condition.Classes).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The class index of the cell <paramref name="text"/> on <paramref name="line"/>; a value that is not a class is refused naming the line, the column and the classes.</summary>
    public static int Code(Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> codes, ReadOnlySpan<char> text, ConditionSpec condition, string source, int line) =>
        codes.TryGetValue(text, out int code) ? code
            : throw new DataFormatException(source, string.Create(CultureInfo.InvariantCulture,
                $"line {line}, condition column '{condition.Column}': '{text}' is not a category the model was trained on; expected one of {string.Join(", ", condition.Classes)}"));

    private static Dictionary<string, int> CodeOf(IReadOnlyList<string> classes) =>
        classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
}
