using System.Text.Json.Serialization;

namespace VaeOnnx.Training.Checkpoints;

/// <summary>Running sums of an interrupted epoch (nats summed over the samples seen so far).</summary>
public sealed record PartialEpoch
{
    /// <summary>Sum of reconstruction terms.</summary>
    [JsonPropertyName("recon_sum")] public double ReconSum { get; init; }
    /// <summary>Sum of KL terms.</summary>
    [JsonPropertyName("kl_sum")] public double KlSum { get; init; }
    /// <summary>Sum of the objective (with the beta in force at each step).</summary>
    [JsonPropertyName("objective_sum")] public double ObjectiveSum { get; init; }
    /// <summary>Samples seen.</summary>
    [JsonPropertyName("samples")] public long Samples { get; init; }
    /// <summary>Seconds spent in training steps.</summary>
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
}
