using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>The per-feature affine scaling fitted on the training split.</summary>
[JsonConverter(typeof(ContractEnumConverter<ScalingKind>))]
public enum ScalingKind
{
    /// <summary>Identity: raw values are the model's values.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>Each feature mapped to [0,1] by the training minimum and maximum.</summary>
    [JsonStringEnumMemberName("minmax")]
    MinMax,

    /// <summary>Zero mean and unit variance on the training split.</summary>
    [JsonStringEnumMemberName("standardize")]
    Standardize,
}
