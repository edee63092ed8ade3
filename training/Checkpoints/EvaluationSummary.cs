using System.Text.Json.Serialization;

namespace VaeOnnx.Training.Checkpoints;

/// <summary>Held-out figures of a checkpoint, in nats per sample; the keys are those of <c>vae eval --json</c>.</summary>
public sealed record EvaluationSummary
{
    /// <summary>Test negative ELBO (one z draw per sample, all test rows).</summary>
    [JsonPropertyName("test_neg_elbo")] public double TestNegElbo { get; init; }
    /// <summary>Test reconstruction term.</summary>
    [JsonPropertyName("test_recon")] public double TestRecon { get; init; }
    /// <summary>Test KL term.</summary>
    [JsonPropertyName("test_kl")] public double TestKl { get; init; }
    /// <summary>IWAE estimate of log p(x), or null when not computed.</summary>
    [JsonPropertyName("iw_log_px")] public double? IwLogPx { get; init; }
    /// <summary>Importance samples K of the IWAE estimate.</summary>
    [JsonPropertyName("iw_samples")] public int IwSamples { get; init; }
    /// <summary>Test rows the IWAE estimate averaged over.</summary>
    [JsonPropertyName("iw_rows")] public int IwRows { get; init; }
    /// <summary>Active latent units (mean KL above 0.01 nats).</summary>
    [JsonPropertyName("active_units")] public int ActiveUnits { get; init; }
    /// <summary>Training throughput of the last epoch.</summary>
    [JsonPropertyName("samples_per_s")] public double SamplesPerSecond { get; init; }
}
