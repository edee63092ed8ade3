namespace VaeOnnx.Contract;

/// <summary>
/// The spellings of a flag word or a missing-value marker that a table model accepts: as written, lower case, upper case
/// and title case ("yes", "YES", "Yes"). A fixed list rather than case-insensitive comparison, because the encoder graph
/// matches texts with ai.onnx.ml LabelEncoder keys in any ONNX Runtime host, with no locale to depend on.
/// </summary>
public static class TableSpelling
{
    /// <summary>The accepted spellings of <paramref name="text"/>, without duplicates.</summary>
    public static IReadOnlyList<string> Variants(string text)
    {
        var title = text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();
        return new[] { text, text.ToLowerInvariant(), text.ToUpperInvariant(), title }.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>True when <paramref name="cell"/> is one of the accepted spellings of <paramref name="text"/>.</summary>
    public static bool Matches(string cell, string text) => Variants(text).Contains(cell, StringComparer.Ordinal);
}
