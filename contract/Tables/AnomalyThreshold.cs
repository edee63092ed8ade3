using System.Globalization;
using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// The score at and above which a row is an anomaly, calibrated at export on held-out rows of the training file so that
/// about <see cref="FalseAlarmRate"/> of ordinary rows are flagged (<see cref="AnomalyCalibration"/> gives the rule). The
/// score is float32, as every route computes scores, and every route compares <c>score &gt;= threshold</c> in float32
/// (<see cref="IsAnomaly"/>), so the row whose score set the threshold is flagged everywhere, whatever the printing.
/// </summary>
public sealed record AnomalyThreshold
{
    /// <summary>Rows scoring this or more are anomalies.</summary>
    [JsonPropertyName("score")] public required float Score { get; init; }

    /// <summary>The false-alarm rate asked for (e.g. 0.01).</summary>
    [JsonPropertyName("false_alarm_rate")] public required double FalseAlarmRate { get; init; }

    /// <summary>Held-out rows the threshold was calibrated on.</summary>
    [JsonPropertyName("calibration_rows")] public int CalibrationRows { get; init; }

    /// <summary>Fraction of the calibration rows at or above the threshold.</summary>
    [JsonPropertyName("calibration_alarm_rate")] public double CalibrationAlarmRate { get; init; }

    /// <summary>How the threshold was set; a pair exported before the rule was recorded reads as conformal.</summary>
    [JsonPropertyName("rule")] public ThresholdRule Rule { get; init; } = ThresholdRule.Conformal;

    /// <summary>True when <paramref name="score"/> is at or above the threshold; a NaN score is never an anomaly.</summary>
    public bool IsAnomaly(float score) => score >= Score;

    /// <summary>
    /// Held-out rows the conformal rank needs at <paramref name="falseAlarmRate"/>: the smallest n with
    /// ceil((n + 1)(1 - rate)) &lt;= n, i.e. n &gt;= 1/rate - 1 (99 at 1%).
    /// </summary>
    public static int RowsNeeded(double falseAlarmRate) => (int)Math.Ceiling(1 / falseAlarmRate - 1 - 1e-9);

    /// <summary>One line for the user when the held-out rows were too few for the conformal rank, else null.</summary>
    [JsonIgnore] public string? Warning => Rule == ThresholdRule.Conformal ? null : string.Create(CultureInfo.InvariantCulture,
        $"the anomaly threshold was calibrated on only {CalibrationRows} held-out rows; a false-alarm rate of {FalseAlarmRate:G3} needs at least {RowsNeeded(FalseAlarmRate)} for the conformal rank, so it is an exponential tail fit over the top scores (not below the largest); a larger training file (a fifth of it is held out) gives a guaranteed rate");
}
