using System.Globalization;

namespace VaeOnnx.Contract;

/// <summary>
/// Dates in table cells: which formats are read without being declared (ISO 8601), and the conversion between a date
/// column's cells and its number, days since the column's <see cref="TableColumn.Origin"/> (fractional for date-times).
/// Every date is read as UTC: an offset (+02:00) is applied, a time without one is taken as UTC; date-times are written
/// back in the column's format, with "Z" where the format ends in K.
/// </summary>
public static class TableDates
{
    /// <summary>
    /// The ISO 8601 formats recognised without a declaration, in the order tried: a column takes the first that reads every
    /// one of its values. The ones without a time of day make a <see cref="ColumnKind.Date"/> column.
    /// </summary>
    public static readonly IReadOnlyList<string> IsoFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mmK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
    ];

    private const DateTimeStyles Utc = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;

    /// <summary>True when <paramref name="format"/> writes a time of day (hours), so that its column is a date-time.</summary>
    public static bool HasTime(string format) => format.Contains('H') || format.Contains('h');

    /// <summary>Reads <paramref name="text"/> in exactly <paramref name="format"/> (invariant culture) as a UTC date-time.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, string format, out DateTime utc) =>
        DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, Utc, out utc);

    /// <summary>The first of <paramref name="formats"/> that reads every one of <paramref name="values"/>, or null.</summary>
    public static string? FormatOf(IReadOnlyCollection<string> values, IEnumerable<string> formats) =>
        formats.FirstOrDefault(format => values.All(v => TryParse(v, format, out _)));

    /// <summary>
    /// The number of a date cell of <paramref name="column"/>: days since its origin (whole for a date column, as the day
    /// the cell names). False when the text is not a date in the column's format.
    /// </summary>
    public static bool TryDays(TableColumn column, ReadOnlySpan<char> text, out float days)
    {
        days = float.NaN;
        if (!TryParse(text, column.DateFormat!, out var utc)) return false;
        days = Days(column, utc);
        return true;
    }

    /// <summary>The number of <paramref name="utc"/> (a time without a zone is taken as UTC) in <paramref name="column"/>: days since its origin, whole for a date column.</summary>
    public static float Days(TableColumn column, DateTime utc)
    {
        var since = DateTime.SpecifyKind(utc, DateTimeKind.Utc) - OriginOf(column);
        return (float)(column.Kind == ColumnKind.Date ? Math.Floor(since.TotalDays) : since.TotalDays);
    }

    /// <summary>A date-time as the ISO 8601 text a date-time column infers from (a DateTime column of a data view becomes this).</summary>
    public static string IsoText(DateTime value) => value.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// The cell text of <paramref name="days"/> since <paramref name="column"/>'s origin in the column's format (a date
    /// column's days rounded to whole days, a date-time's to the second), kept within the dates .NET can write.
    /// </summary>
    public static string Text(TableColumn column, double days)
    {
        var origin = OriginOf(column);
        double seconds = Math.Round((column.Kind == ColumnKind.Date ? Math.Round(days) : days) * 86400.0);
        double lowest = (DateTime.MinValue - origin).TotalSeconds, highest = (DateTime.MaxValue.Date - origin).TotalSeconds;
        return origin.AddSeconds(Math.Clamp(seconds, lowest, highest)).ToString(column.DateFormat, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Why <paramref name="text"/> is refused as a cell of <paramref name="column"/>, for one-line error messages:
    /// "'31/02/2024' is not a date in the format dd/MM/yyyy; expected dates like 30/06/2024".
    /// </summary>
    public static string NotADate(TableColumn column, string text) =>
        $"'{text}' is not a {(column.Kind == ColumnKind.Date ? "date" : "date-time")} in the format {column.DateFormat}; expected {(column.Kind == ColumnKind.Date ? "dates" : "date-times")} like {Text(column, column.Max)}";

    private static DateTime OriginOf(TableColumn column) =>
        DateTime.SpecifyKind(column.Origin ?? throw new InvalidOperationException($"column '{column.Name}' is a date column without an origin"), DateTimeKind.Utc);
}
