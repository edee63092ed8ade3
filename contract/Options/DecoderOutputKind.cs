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

    /// <summary>
    /// Table models: the parameters of each feature's likelihood in the model's space (softmax probabilities of a category
    /// block, probabilities of flags and missing-value indicators, standardised means of numbers); the typed columns are
    /// separate outputs named after the table's columns.
    /// </summary>
    [JsonStringEnumMemberName("parameters")]
    Parameters,
}
