using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>How a table model turns the numbers of a numeric or integer column into features. Written as "standard" or "modes".</summary>
[JsonConverter(typeof(ContractEnumConverter<NumericEncoding>))]
public enum NumericEncoding
{
    /// <summary>Standardised by the training mean and standard deviation, one Gaussian feature.</summary>
    [JsonStringEnumMemberName("standard")]
    Standard,

    /// <summary>
    /// TVAE's mode-specific normalisation: a variational Gaussian mixture (at most 10 modes) fitted per column, each value
    /// encoded as its most likely mode (one-hot, softmax likelihood) and its offset within that mode (a Gaussian feature).
    /// </summary>
    [JsonStringEnumMemberName("modes")]
    Modes,
}
