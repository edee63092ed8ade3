using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>How a Gaussian decoder gets its per-feature variance.</summary>
[JsonConverter(typeof(ContractEnumConverter<GaussianVariance>))]
public enum GaussianVariance
{
    /// <summary>A learned log-variance per feature (floored in the loss).</summary>
    [JsonStringEnumMemberName("learned")]
    Learned,

    /// <summary>Unit variance in the scaled space.</summary>
    [JsonStringEnumMemberName("fixed")]
    Fixed,
}
