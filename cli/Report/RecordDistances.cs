using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Report;

/// <summary>
/// Privacy of synthetic rows by distance to closest record (DCR, as SDMetrics' DCROverfittingProtection measures it): the
/// distance between two rows is the mean over the feature columns of a number's absolute difference scaled by the real
/// column's range (capped at 1) and, for flags and categories, 0 when equal and 1 when not; a blank against a blank is 0,
/// against a value 1. A synthetic row that is much closer to the training rows than to rows the model never saw (the
/// holdout) suggests the model memorised its training table; with equal numbers of training and holdout rows, about half
/// the synthetic rows fall closer to each. An exact copy has distance 0 to a training row.
/// </summary>
public static class RecordDistances
{
    /// <summary>Synthetic rows compared at most (the first ones), to bound the quadratic cost of the search.</summary>
    public const int MaxSyntheticRows = 2000;

    /// <summary>Reference rows (training and holdout each) compared at most: a fixed-seed sample.</summary>
    public const int MaxReferenceRows = 10000;

    /// <summary>
    /// The DCR figures of <paramref name="synthetic"/> against <paramref name="training"/> and, when given, <paramref name="holdout"/>;
    /// the training rows are sampled down to the holdout's count so the two sides are equal (SDMetrics does the same).
    /// </summary>
    public static PrivacyScores Measure(VaeTableRows training, VaeTableRows synthetic, VaeTableRows? holdout)
    {
        var ranges = Ranges(training);
        int referenceRows = Math.Min(MaxReferenceRows, holdout?.Count ?? training.Count);
        var train = Sample(training.Count, referenceRows, seed: 1);
        var held = holdout is null ? null : Sample(holdout.Count, referenceRows, seed: 2);
        int n = Math.Min(MaxSyntheticRows, synthetic.Count);
        int copies = 0, closerToTraining = 0;
        var toTraining = new double[n];
        for (int s = 0; s < n; s++)
        {
            toTraining[s] = Closest(synthetic, s, training, train, ranges);
            if (toTraining[s] == 0) copies++;
            if (held is not null && toTraining[s] < Closest(synthetic, s, holdout!, held, ranges)) closerToTraining++;
        }
        Array.Sort(toTraining);
        return new PrivacyScores(n, train.Length, held?.Length ?? 0, copies, n == 0 ? 0 : toTraining[n / 2],
            held is null || n == 0 ? null : closerToTraining / (double)n);
    }

    private static double Closest(VaeTableRows rows, int row, VaeTableRows reference, int[] sample, double[] ranges)
    {
        double best = double.PositiveInfinity;
        foreach (int r in sample)
        {
            double d = Distance(rows, row, reference, r, ranges, best);
            if (d < best) best = d;
            if (best == 0) break;
        }
        return best;
    }

    /// <summary>The distance of two rows, stopping early once it cannot beat <paramref name="bound"/>.</summary>
    private static double Distance(VaeTableRows a, int i, VaeTableRows b, int j, double[] ranges, double bound)
    {
        int columns = ranges.Length;
        double sum = 0, limit = bound * columns;
        for (int c = 0; c < columns && sum < limit; c++)
            sum += (a.Columns[c], b.Columns[c]) switch
            {
                (float[] x, float[] y) => NumberDistance(x[i], y[j], ranges[c]),
                (string[] x, string[] y) => string.Equals(x[i], y[j], StringComparison.Ordinal) ? 0 : 1,
                _ => throw new InvalidOperationException($"column {c}: the rows have different types"),
            };
        return sum / columns;
    }

    private static double NumberDistance(float x, float y, double range)
    {
        bool blankX = float.IsNaN(x), blankY = float.IsNaN(y);
        if (blankX || blankY) return blankX == blankY ? 0 : 1;
        return range > 0 ? Math.Min(1, Math.Abs(x - y) / range) : x == y ? 0 : 1;
    }

    /// <summary>Each number column's range on the training rows (0 for text columns).</summary>
    private static double[] Ranges(VaeTableRows rows) => rows.Columns.Select(column =>
    {
        if (column is not float[] values) return 0.0;
        var seen = values.Where(v => !float.IsNaN(v)).ToArray();
        return seen.Length == 0 ? 0.0 : (double)seen.Max() - seen.Min();
    }).ToArray();

    private static int[] Sample(int count, int take, int seed)
    {
        if (take >= count) return Enumerable.Range(0, count).ToArray();
        var random = new Random(seed);
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return order[..take];
    }
}
