namespace VaeOnnx.Contract;

/// <summary>Calibrates an <see cref="AnomalyThreshold"/> on the scores of ordinary held-out rows.</summary>
public static class AnomalyCalibration
{
    /// <summary>
    /// The conformal threshold: the k-th smallest of the n scores with k = ceil((n + 1)(1 - rate)). For rows exchangeable
    /// with the calibration rows, P(score &gt; threshold) &lt;= rate. With fewer than 1/rate - 1 rows no score is high enough,
    /// and the largest one is used (the rate then cannot be guaranteed; <see cref="AnomalyThreshold.CalibrationAlarmRate"/> says what the rows show).
    /// </summary>
    public static AnomalyThreshold Calibrate(IReadOnlyList<double> scores, double falseAlarmRate)
    {
        if (!(falseAlarmRate > 0 && falseAlarmRate < 1)) throw new ArgumentOutOfRangeException(nameof(falseAlarmRate), falseAlarmRate, "expected a rate between 0 and 1, e.g. 0.01");
        var finite = scores.Where(double.IsFinite).Order().ToArray();
        if (finite.Length == 0) throw new ArgumentException("no finite calibration scores; expected held-out rows of the training file");
        int n = finite.Length;
        int k = (int)Math.Ceiling((n + 1) * (1 - falseAlarmRate));
        double threshold = finite[Math.Clamp(k, 1, n) - 1];
        return new AnomalyThreshold
        {
            Score = threshold, FalseAlarmRate = falseAlarmRate, CalibrationRows = n,
            CalibrationAlarmRate = (double)finite.Count(s => s > threshold) / n,
        };
    }
}
