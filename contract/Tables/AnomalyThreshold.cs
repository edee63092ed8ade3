using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// The score above which a row is an anomaly, calibrated at export on held-out rows of the training file so that about
/// <see cref="FalseAlarmRate"/> of ordinary rows are flagged. The threshold is the conformal quantile of the calibration
/// scores: the ceil((n + 1)(1 - rate))-th smallest of n, so that on rows like the calibration rows the expected false-alarm
/// rate is at most the rate asked for.
/// </summary>
public sealed record AnomalyThreshold
{
    /// <summary>Rows scoring above this are anomalies.</summary>
    [JsonPropertyName("score")] public required double Score { get; init; }

    /// <summary>The false-alarm rate asked for (e.g. 0.01).</summary>
    [JsonPropertyName("false_alarm_rate")] public required double FalseAlarmRate { get; init; }

    /// <summary>Held-out rows the threshold was calibrated on.</summary>
    [JsonPropertyName("calibration_rows")] public int CalibrationRows { get; init; }

    /// <summary>Fraction of the calibration rows above the threshold.</summary>
    [JsonPropertyName("calibration_alarm_rate")] public double CalibrationAlarmRate { get; init; }
}
