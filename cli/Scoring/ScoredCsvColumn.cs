namespace VaeOnnx.Cli.Scoring;

/// <summary>
/// One column of a scored data view as CSV: a Single or Boolean scalar takes one header, a vector of Singles one header
/// per slot, in slot order.
/// </summary>
/// <param name="Column">The data view's column.</param>
/// <param name="Headers">The CSV headers it becomes.</param>
public sealed record ScoredCsvColumn(string Column, IReadOnlyList<string> Headers)
{
    /// <summary>A scalar column under <paramref name="header"/>.</summary>
    public static ScoredCsvColumn Scalar(string column, string header) => new(column, [header]);

    /// <summary>A vector column of <paramref name="width"/> slots under <c>{prefix}_0..{prefix}_{width-1}</c>.</summary>
    public static ScoredCsvColumn Vector(string column, string prefix, int width) =>
        new(column, Enumerable.Range(0, width).Select(j => $"{prefix}_{j}").ToArray());
}
