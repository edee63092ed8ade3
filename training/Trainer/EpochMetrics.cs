using System.Text.Json.Serialization;

namespace VaeOnnx.Training.Trainer;

/// <summary>Figures of one finished epoch, in nats per sample (negative ELBO = reconstruction + KL, at beta 1).</summary>
public sealed record EpochMetrics
{
    /// <summary>1-based epoch number.</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }
    /// <summary>Mean training negative ELBO over the epoch's steps (weights moving during the epoch).</summary>
    [JsonPropertyName("train_neg_elbo")] public double TrainNegElbo { get; init; }
    /// <summary>Mean training reconstruction term.</summary>
    [JsonPropertyName("train_recon")] public double TrainRecon { get; init; }
    /// <summary>Mean training KL term.</summary>
    [JsonPropertyName("train_kl")] public double TrainKl { get; init; }
    /// <summary>Validation negative ELBO, when there is a validation split.</summary>
    [JsonPropertyName("validation_neg_elbo")] public double? ValidationNegElbo { get; init; }
    /// <summary>Test negative ELBO (one z draw per test sample).</summary>
    [JsonPropertyName("test_neg_elbo")] public double TestNegElbo { get; init; }
    /// <summary>Test reconstruction term.</summary>
    [JsonPropertyName("test_recon")] public double TestRecon { get; init; }
    /// <summary>Test KL term.</summary>
    [JsonPropertyName("test_kl")] public double TestKl { get; init; }
    /// <summary>KL weight at the end of the epoch.</summary>
    [JsonPropertyName("beta")] public double Beta { get; init; }
    /// <summary>Training throughput of the epoch (optimiser steps only, evaluation excluded).</summary>
    [JsonPropertyName("samples_per_s")] public double SamplesPerSecond { get; init; }
    /// <summary>Wall time of the epoch's training steps.</summary>
    [JsonPropertyName("train_seconds")] public double TrainSeconds { get; init; }
}
