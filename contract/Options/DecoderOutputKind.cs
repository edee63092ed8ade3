using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>What the decoder graph's output holds.</summary>
[JsonConverter(typeof(ContractEnumConverter<DecoderOutputKind>))]
public enum DecoderOutputKind
{
    /// <summary>Bernoulli probabilities (sigmoid applied), raw feature units.</summary>
    [JsonStringEnumMemberName("probabilities")]
    Probabilities,

    /// <summary>The Gaussian mean, raw feature units.</summary>
    [JsonStringEnumMemberName("mean")]
    Mean,
}
