using System.Globalization;
using System.Numerics;
using VaeOnnx.Contract;

namespace VaeOnnx.Sources;

/// <summary>
/// A typed value from a Parquet file or a database as the text cell a CSV file would hold, so that the column kinds are
/// inferred from the same text whichever source the rows came from: numbers in their shortest invariant round-trip form
/// (12.5, 3, 1E-07), booleans as true/false, dates as ISO 8601 (a date as 2024-03-01, a date-time as 2024-03-01T08:30:00, with
/// the fraction of a second only when it has one, and Z or an offset only when the value carries one), text trimmed, and a null
/// (or a floating-point NaN, the missing value of a float column) as a blank cell.
/// </summary>
internal static class CellText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Whether values of <paramref name="type"/> have a text form here (every type that <see cref="Of"/> writes).</summary>
    public static bool Reads(Type type) => type == typeof(string) || type == typeof(bool) || type == typeof(char) || type == typeof(Guid)
        || type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(DateTimeOffset) || type == typeof(TimeOnly) || type == typeof(TimeSpan)
        || IsNumber(type);

    /// <summary>
    /// The cell text of <paramref name="value"/>; a value of a type no column kind reads (bytes, arrays, structures) is refused
    /// with <paramref name="source"/>, the column and the type (<see cref="Refuse"/>).
    /// </summary>
    public static string Of(object? value, string source, string column) => value switch
    {
        null or DBNull => "",
        string s => s.Trim(),
        bool b => b ? "true" : "false",
        double d when double.IsNaN(d) => "",
        float f when float.IsNaN(f) => "",
        DateTime d => d.ToString(d.Kind == DateTimeKind.Utc ? "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", Invariant),
        DateOnly d => d.ToString("yyyy-MM-dd", Invariant),
        DateTimeOffset o => o.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", Invariant),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", Invariant),
        TimeSpan t => t.ToString("c", Invariant),
        Guid g => g.ToString("D"),
        char c => c.ToString(),
        IFormattable number when IsNumber(number.GetType()) => number.ToString(null, Invariant),
        _ => throw Refuse(source, column, value.GetType().Name),
    };

    /// <summary>The one-line refusal of a column whose values no column kind reads.</summary>
    public static DataFormatException Refuse(string source, string column, string type) => new(source,
        $"column '{column}' is of type {type}, which no column kind reads (numbers, text, booleans, dates and times are read); leave the column out of the table");

    private static bool IsNumber(Type type) => type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort)
        || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong) || type == typeof(Int128) || type == typeof(UInt128)
        || type == typeof(Half) || type == typeof(float) || type == typeof(double) || type == typeof(decimal) || type == typeof(BigInteger);
}
