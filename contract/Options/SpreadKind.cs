using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// What the encoder's second output holds, and so how the log-variance of q(z|x) is computed from it:
/// logvar = v, 2·v, 2·ln(v) or ln(v).
/// </summary>
[JsonConverter(typeof(ContractEnumConverter<SpreadKind>))]
public enum SpreadKind
{
    /// <summary>The log-variance itself (logvar, log_var, z_log_var); used as it is.</summary>
    [JsonStringEnumMemberName("logvar")]
    LogVariance,

    /// <summary>The log of the standard deviation (log_sigma, log_std): logvar = 2·v.</summary>
    [JsonStringEnumMemberName("logstd")]
    LogStandardDeviation,

    /// <summary>The standard deviation (sigma, std): logvar = 2·ln(v).</summary>
    [JsonStringEnumMemberName("std")]
    StandardDeviation,

    /// <summary>The variance (var, variance): logvar = ln(v).</summary>
    [JsonStringEnumMemberName("var")]
    Variance,
}
