using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>The bound a model is trained to maximise.</summary>
[JsonConverter(typeof(ContractEnumConverter<TrainingObjective>))]
public enum TrainingObjective
{
    /// <summary>The evidence lower bound with one z draw per sample.</summary>
    [JsonStringEnumMemberName("elbo")]
    Elbo,

    /// <summary>
    /// The importance-weighted bound of Burda et al. (2016), log (1/K) sum_k p(x, z_k) / q(z_k|x) with K draws per sample,
    /// which is tighter than the ELBO for K &gt; 1 and equals it for K = 1.
    /// </summary>
    [JsonStringEnumMemberName("iwae")]
    Iwae,
}
