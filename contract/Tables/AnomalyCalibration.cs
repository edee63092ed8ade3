namespace VaeOnnx.Contract;

/// <summary>Calibrates an <see cref="AnomalyThreshold"/> on the float32 scores of ordinary held-out rows.</summary>
public static class AnomalyCalibration
{
    /// <summary>Top scores the exponential tail is fitted to at least (and at most n - 1).</summary>
    public const int MinTailRows = 5;

    /// <summary>
    /// The conformal threshold: the k-th smallest of the n finite scores with k = ceil((n + 1)(1 - rate)); for a row
    /// exchangeable with the calibration rows, P(score &gt;= threshold) &lt;= rate (scores without ties). When k &gt; n
    /// (fewer than 1/rate - 1 rows, e.g. 73 at 1%) no held-out score is high enough, and the threshold is a tail fit
    /// instead (<see cref="ThresholdRule.TailFit"/>, with <see cref="AnomalyThreshold.Warning"/>): an exponential (the
    /// peaks-over-threshold model with shape 0) fitted to the m = max(5, ceil(n / 5)) top scores above u, the next
    /// score down, so that P(score &gt; u + x) ~ m/(n + 1) exp(-x / b) with b their mean excess; the threshold is its
    /// (1 - rate) quantile u + b ln(m / ((n + 1) rate)), and never below the largest score. Below 3 rows it is the largest.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not strictly between 0 and 1.</exception>
    /// <exception cref="ArgumentException">No score is finite.</exception>
    public static AnomalyThreshold Calibrate(IReadOnlyList<float> scores, double falseAlarmRate)
    {
        if (!(falseAlarmRate > 0 && falseAlarmRate < 1)) throw new ArgumentOutOfRangeException(nameof(falseAlarmRate), falseAlarmRate, "expected a rate between 0 and 1, e.g. 0.01");
        var finite = scores.Where(float.IsFinite).Order().ToArray();
        if (finite.Length == 0) throw new ArgumentException("no finite calibration scores; expected held-out rows of the training file");
        int n = finite.Length;
        // The small subtraction keeps (n + 1)(1 - rate) = 99.000000001 from rounding a whole rank up.
        int k = (int)Math.Ceiling((n + 1) * (1 - falseAlarmRate) - 1e-9);
        var (threshold, rule) = k <= n ? (finite[Math.Max(k, 1) - 1], ThresholdRule.Conformal) : (TailFit(finite, falseAlarmRate), ThresholdRule.TailFit);
        return new AnomalyThreshold
        {
            Score = threshold, FalseAlarmRate = falseAlarmRate, CalibrationRows = n, Rule = rule,
            CalibrationAlarmRate = (double)finite.Count(s => s >= threshold) / n,
        };
    }

    /// <summary>The exponential tail's (1 - rate) quantile over the sorted scores, rounded up to a float32, at least the largest.</summary>
    private static float TailFit(float[] sorted, double rate)
    {
        int n = sorted.Length;
        if (n < 3) return sorted[^1];
        int m = Math.Min(n - 1, Math.Max(MinTailRows, (n + 4) / 5));
        double u = sorted[n - m - 1];
        double meanExcess = sorted.Skip(n - m).Average(s => s - u);
        double quantile = u + meanExcess * Math.Log(m / ((n + 1) * rate));
        float threshold = (float)quantile;
        if (threshold < quantile) threshold = MathF.BitIncrement(threshold);
        return Math.Max(threshold, sorted[^1]);
    }
}
