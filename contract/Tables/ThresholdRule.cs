using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>How an <see cref="AnomalyThreshold"/> was set from its held-out scores. Written as "conformal" or "tail_fit".</summary>
[JsonConverter(typeof(ContractEnumConverter<ThresholdRule>))]
public enum ThresholdRule
{
    /// <summary>The ceil((n + 1)(1 - rate))-th smallest of the n held-out scores: enough rows for the rate asked for.</summary>
    [JsonStringEnumMemberName("conformal")]
    Conformal,

    /// <summary>
    /// Too few held-out rows for the conformal rank (n &lt; 1/rate - 1): an exponential tail fitted to the top scores,
    /// extrapolated to the rate, and never below the largest held-out score.
    /// </summary>
    [JsonStringEnumMemberName("tail_fit")]
    TailFit,
}
