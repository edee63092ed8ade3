namespace VaeOnnx.Cli.Report;

/// <summary>SDMetrics-style quality of synthetic rows against real ones.</summary>
/// <param name="ColumnShapes">Per column: 1 - KS statistic (numbers) or 1 - total variation distance (flags, categories).</param>
/// <param name="PairTrends">Per column pair: correlation similarity (two numbers) or contingency similarity (otherwise).</param>
public sealed record QualityScores(IReadOnlyDictionary<string, double> ColumnShapes, IReadOnlyDictionary<string, double> PairTrends)
{
    /// <summary>Mean of the column shapes.</summary>
    public double ColumnShapesScore => ColumnShapes.Count == 0 ? double.NaN : ColumnShapes.Values.Average();

    /// <summary>Mean of the column-pair trends.</summary>
    public double PairTrendsScore => PairTrends.Count == 0 ? double.NaN : PairTrends.Values.Average();

    /// <summary>The overall score: the mean of the two (the pair trends alone count when a table has one column).</summary>
    public double Overall => PairTrends.Count == 0 ? ColumnShapesScore : (ColumnShapesScore + PairTrendsScore) / 2;
}
