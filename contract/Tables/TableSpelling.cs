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

    /// <summary>Every accepted spelling of every one of <paramref name="texts"/>, for lookups cell by cell.</summary>
    public static HashSet<string> SetOf(IEnumerable<string> texts) => texts.SelectMany(Variants).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The spellings a flag column accepts with their codes, 1 for true and 0 for false; a spelling of both words (two
    /// declared values that differ only in case) reads as true. The featuriser and the encoder graph's LabelEncoder share it.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, long>> FlagCodes(string trueText, string falseText)
    {
        var codes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var spelling in Variants(trueText)) codes[spelling] = 1;
        foreach (var spelling in Variants(falseText)) codes.TryAdd(spelling, 0);
        return codes.ToArray();
    }
}
