using System.Globalization;
using Spectre.Console;
using TableColumn = VaeOnnx.Contract.TableColumn;

namespace VaeOnnx.Cli.Console;

/// <summary>
/// The column schema a table model trains with, printed once before training: each column's kind (inferred unless
/// declared with <c>--column-types</c>), its categories or range and its blank rate, which users otherwise had to read
/// from checkpoint.json. A Spectre table on a terminal, aligned plain text in a log.
/// </summary>
public static class TableSchemaView
{
    /// <summary>Categories named before the rest are only counted.</summary>
    public const int ShownCategories = 5;

    private static readonly string[] Header = ["column", "kind", "values", "blank"];

    /// <summary>Writes the schema as a Spectre table when <paramref name="live"/>, else as plain text to <paramref name="lines"/>.</summary>
    public static void Write(TableSchema schema, bool live, TextWriter lines)
    {
        var title = Title(schema);
        var rows = schema.Columns.Select(Row).ToArray();
        if (!live)
        {
            lines.WriteLine(title);
            WritePlain([Header, .. rows], lines);
            return;
        }
        var table = new Table().Title(Markup.Escape(title));
        foreach (var name in Header) table.AddColumn(name);
        table.Columns[^1].RightAligned();
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>One column's cells: name, kind, values (categories, flag spellings, range; a date's range as dates with its format), blank rate.</summary>
    private static string[] Row(TableColumn c) =>
        [c.Name, EnumText.Of(c.Kind) + (c.HasModes ? $" ({c.Modes!.Count} modes)" : ""), Values(c),
            string.Create(CultureInfo.InvariantCulture, $"{100 * c.MissingRate:F1}%")];

    private static string Title(TableSchema schema)
    {
        var title = $"columns: {schema.Columns.Count} ({schema.FeatureCount} features; kinds inferred unless set with --column-types)";
        if (schema.IgnoredColumns.Count > 0) title += $", ignored: {string.Join(", ", schema.IgnoredColumns)}";
        if (schema.IdColumns.Count > 0) title += $", ids: {string.Join(", ", schema.IdColumns)}";
        if (schema.LabelColumn is { } label) title += $", label: {label}";
        return title;
    }

    private static string Values(TableColumn c)
    {
        if (c.Kind == ColumnKind.Boolean) return $"{c.TrueText} / {c.FalseText}";
        if (c.Kind == ColumnKind.Categorical)
        {
            var categories = c.Categories!;
            var shown = string.Join(", ", categories.Take(ShownCategories));
            return categories.Count > ShownCategories ? $"{shown}, ... ({categories.Count} categories)" : $"{shown} ({categories.Count} categories)";
        }
        if (c.IsDate) return $"{TableDates.Text(c, c.Min)}..{TableDates.Text(c, c.Max)} ({c.DateFormat})";
        var format = c.Kind == ColumnKind.Integer ? "F0" : $"F{c.Decimals}";
        return $"{c.Min.ToString(format, CultureInfo.InvariantCulture)}..{c.Max.ToString(format, CultureInfo.InvariantCulture)}";
    }

    private static void WritePlain(string[][] rows, TextWriter lines)
    {
        var widths = Enumerable.Range(0, Header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            // The blank rate is right-aligned so that its decimal points line up.
            var cells = row.Select((cell, i) => i == row.Length - 1 ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            lines.WriteLine("  " + string.Join("  ", cells).TrimEnd());
        }
    }
}
