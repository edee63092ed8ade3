using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Report;

/// <summary>
/// The synthetic-data quality figures of SDMetrics' single-table quality report, with its definitions:
/// column shapes are 1 - KS statistic for numeric columns (blank cells left out) and 1 - total variation distance of the
/// category frequencies for categorical and boolean ones (blank counts as a category); column-pair trends are
/// 1 - |r_real - r_synthetic| / 2 of Pearson correlations for two numeric columns (rows where both have values), and
/// 1 - total variation distance of the two-way contingency tables otherwise, a numeric column cut into 10 equal-width bins
/// over the real column's range; the overall score is the mean of the two averages.
/// </summary>
public static class QualityMetrics
{
    /// <summary>Bins a numeric column gets in a contingency table.</summary>
    public const int Bins = 10;

    /// <summary>Scores <paramref name="synthetic"/> against <paramref name="real"/> (same schema).</summary>
    public static QualityScores Compare(VaeTableRows real, VaeTableRows synthetic)
    {
        var columns = real.Schema.Columns;
        var shapes = new Dictionary<string, double>();
        for (int j = 0; j < columns.Count; j++)
            shapes[columns[j].Name] = columns[j].IsNumber
                ? 1 - KolmogorovSmirnov(Values(real, j), Values(synthetic, j))
                : 1 - TotalVariation(Codes(real, real, j), Codes(synthetic, real, j));
        var pairs = new Dictionary<string, double>();
        for (int a = 0; a < columns.Count; a++)
            for (int b = a + 1; b < columns.Count; b++)
                pairs[$"{columns[a].Name} ~ {columns[b].Name}"] = columns[a].IsNumber && columns[b].IsNumber
                    ? CorrelationSimilarity(real, synthetic, a, b)
                    : 1 - TotalVariation(Joint(real, real, a, b), Joint(synthetic, real, a, b));
        return new QualityScores(shapes, pairs);
    }

    /// <summary>The two-sample Kolmogorov-Smirnov statistic: the largest gap between the empirical CDFs (1 when a side is empty).</summary>
    public static double KolmogorovSmirnov(double[] a, double[] b)
    {
        if (a.Length == 0 || b.Length == 0) return a.Length == b.Length ? 0 : 1;
        Array.Sort(a);
        Array.Sort(b);
        int i = 0, j = 0;
        double gap = 0;
        while (i < a.Length && j < b.Length)
        {
            double v = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= v) i++;
            while (j < b.Length && b[j] <= v) j++;
            gap = Math.Max(gap, Math.Abs((double)i / a.Length - (double)j / b.Length));
        }
        return gap;
    }

    /// <summary>Half the L1 distance between two frequency tables over the union of their keys.</summary>
    public static double TotalVariation(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count == 0 || b.Count == 0) return a.Count == b.Count ? 0 : 1;
        var fa = a.GroupBy(x => x).ToDictionary(g => g.Key, g => (double)g.Count() / a.Count);
        var fb = b.GroupBy(x => x).ToDictionary(g => g.Key, g => (double)g.Count() / b.Count);
        return 0.5 * fa.Keys.Union(fb.Keys).Sum(k => Math.Abs(fa.GetValueOrDefault(k) - fb.GetValueOrDefault(k)));
    }

    private static double CorrelationSimilarity(VaeTableRows real, VaeTableRows synthetic, int a, int b)
    {
        double ra = Pearson(real, a, b), rs = Pearson(synthetic, a, b);
        if (double.IsNaN(ra) || double.IsNaN(rs)) return double.IsNaN(ra) && double.IsNaN(rs) ? 1 : 0.5;
        return 1 - Math.Abs(ra - rs) / 2;
    }

    private static double Pearson(VaeTableRows rows, int a, int b)
    {
        var (x, y) = ((float[])rows.Columns[a], (float[])rows.Columns[b]);
        var pairs = Enumerable.Range(0, rows.Count).Where(r => !float.IsNaN(x[r]) && !float.IsNaN(y[r])).Select(r => ((double)x[r], (double)y[r])).ToArray();
        if (pairs.Length < 2) return double.NaN;
        double mx = pairs.Average(p => p.Item1), my = pairs.Average(p => p.Item2);
        double sxy = pairs.Sum(p => (p.Item1 - mx) * (p.Item2 - my)), sxx = pairs.Sum(p => (p.Item1 - mx) * (p.Item1 - mx)), syy = pairs.Sum(p => (p.Item2 - my) * (p.Item2 - my));
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    private static double[] Values(VaeTableRows rows, int column) =>
        ((float[])rows.Columns[column]).Where(v => !float.IsNaN(v)).Select(v => (double)v).ToArray();

    /// <summary>Each row's category in <paramref name="column"/>: the text, or a numeric column's bin over <paramref name="reference"/>'s range; blank is its own.</summary>
    private static string[] Codes(VaeTableRows rows, VaeTableRows reference, int column)
    {
        if (rows.Schema.Columns[column].IsText) return ((string[])rows.Columns[column]).Select(v => v.Length == 0 ? "\u2205" : v).ToArray();
        var real = Values(reference, column);
        double min = real.Length > 0 ? real.Min() : 0, max = real.Length > 0 ? real.Max() : 0;
        return ((float[])rows.Columns[column]).Select(v => float.IsNaN(v) ? "\u2205"
            : max > min ? Math.Clamp((int)((v - min) / (max - min) * Bins), 0, Bins - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "0").ToArray();
    }

    private static string[] Joint(VaeTableRows rows, VaeTableRows reference, int a, int b)
    {
        var (x, y) = (Codes(rows, reference, a), Codes(rows, reference, b));
        return x.Zip(y, (p, q) => p + "\u0001" + q).ToArray();
    }
}
