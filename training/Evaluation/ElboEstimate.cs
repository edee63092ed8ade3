using System.Text.Json.Serialization;

namespace VaeOnnx.Training.Evaluation;

/// <summary>Negative ELBO of a data split, in nats per sample, with its parts and the latent usage.</summary>
public sealed record ElboEstimate
{
    /// <summary>Reconstruction + KL, averaged over samples (one z draw each).</summary>
    [JsonPropertyName("neg_elbo")] public double NegElbo { get; init; }
    /// <summary>Mean -log p(x|z).</summary>
    [JsonPropertyName("recon")] public double Reconstruction { get; init; }
    /// <summary>Mean KL(q(z|x) || N(0, I)).</summary>
    [JsonPropertyName("kl")] public double Kl { get; init; }
    /// <summary>Mean KL of each latent dimension.</summary>
    [JsonPropertyName("kl_per_dim")] public double[] KlPerDimension { get; init; } = [];
    /// <summary>Latent dimensions whose mean KL exceeds <see cref="VaeEvaluator.ActiveUnitThreshold"/> nats.</summary>
    [JsonPropertyName("active_units")] public int ActiveUnits { get; init; }
    /// <summary>Samples evaluated.</summary>
    [JsonPropertyName("rows")] public int Rows { get; init; }
}
