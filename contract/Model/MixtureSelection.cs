using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>How a <see cref="LatentMixture"/>'s number of components was chosen: the candidates and their held-out fit.</summary>
public sealed record MixtureSelection
{
    /// <summary>Component counts tried.</summary>
    [JsonPropertyName("candidates")] public int[] Candidates { get; init; } = [];

    /// <summary>Mean log-likelihood of the held-out codes under the mixture fitted with each candidate (nats per code).</summary>
    [JsonPropertyName("heldout_log_likelihood")] public double[] HeldOutLogLikelihood { get; init; } = [];

    /// <summary>Training codes held out for the choice.</summary>
    [JsonPropertyName("heldout_rows")] public int HeldOutRows { get; init; }
}
