using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>The decoder likelihood p(x|z). Written as "bernoulli", "gaussian" or "mixed" in every file.</summary>
[JsonConverter(typeof(ContractEnumConverter<Likelihood>))]
public enum Likelihood
{
    /// <summary>Data in [0,1]: binary cross-entropy on logits; the decoder graph outputs probabilities.</summary>
    [JsonStringEnumMemberName("bernoulli")]
    Bernoulli,

    /// <summary>Real-valued data: Gaussian negative log-likelihood with a per-feature variance; the decoder graph outputs the mean.</summary>
    [JsonStringEnumMemberName("gaussian")]
    Gaussian,

    /// <summary>
    /// A business table (<see cref="TableSchema"/>): one likelihood per column in one ELBO (Gaussian for numbers, Bernoulli
    /// for flags and missing-value indicators, softmax cross-entropy for categories), missing values masked out.
    /// </summary>
    [JsonStringEnumMemberName("mixed")]
    Mixed,
}
