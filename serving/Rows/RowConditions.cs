using VaeOnnx.Contract;

namespace VaeOnnx.Serving.Rows;

/// <summary>
/// The class index of each row of a request to a conditional pair, from the body's <c>"condition"</c> or, for binary
/// rows, the query's <c>?condition=</c> (one value for every row). A conditional pair needs one; an unconditional pair
/// refuses one, so a client never believes a condition was applied when it was not.
/// </summary>
internal static class RowConditions
{
    /// <summary>The rows' class indices for <paramref name="condition"/> (null for an unconditional pair, which gets null).</summary>
    public static int[]? Resolve(RowBlock rows, ConditionSpec? condition, string? query)
    {
        var given = rows.Conditions ?? (query is null ? null : Enumerable.Repeat(query, rows.Rows).ToArray());
        if (condition is null)
        {
            if (given is not null) throw new BadRequestException("the pair has no condition; send the rows without 'condition'");
            return null;
        }
        if (given is null)
            throw new BadRequestException($"the pair is conditional on '{condition.Column}': send \"condition\": one of {Values(condition)} (or an array of one per row)");
        var index = condition.Classes.Select((value, i) => (value, i)).ToDictionary(p => p.value, p => p.i, StringComparer.Ordinal);
        var codes = new int[rows.Rows];
        for (int r = 0; r < codes.Length; r++)
            codes[r] = index.TryGetValue(given[r], out int code) ? code
                : throw new BadRequestException($"rows[{r}], condition '{condition.Column}': '{given[r]}' is not one of its values; expected one of {Values(condition)}");
        return codes;
    }

    private static string Values(ConditionSpec condition) =>
        condition.Dim <= 12 ? string.Join(", ", condition.Classes) : string.Join(", ", condition.Classes.Take(12)) + $", ... ({condition.Dim - 12} more)";
}
