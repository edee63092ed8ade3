using System.Text.Json.Serialization;
using VaeOnnx.Contract;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Training.Checkpoints;

/// <summary>
/// The JSON half of a checkpoint (<c>checkpoint.json</c>): what the weights are, how they were trained, and where training stands.
/// </summary>
public sealed record CheckpointInfo
{
    /// <summary>The format this code writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Version of this file's layout.</summary>
    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    /// <summary>Modules to rebuild before loading the weights.</summary>
    [JsonPropertyName("architecture")] public required VaeArchitecture Architecture { get; init; }
    /// <summary>Optimiser and schedule settings.</summary>
    [JsonPropertyName("training")] public required TrainingOptions Training { get; init; }
    /// <summary>Input scaling fitted on the training split; inference applies the same.</summary>
    [JsonPropertyName("scaling")] public required FeatureScaling Scaling { get; init; }
    /// <summary>Table models (likelihood mixed): the column schema fitted on the training file; null otherwise.</summary>
    [JsonPropertyName("table")] public TableSchema? Table { get; init; }
    /// <summary>What the model was trained on.</summary>
    [JsonPropertyName("dataset")] public required DatasetDescription Dataset { get; init; }
    /// <summary>Epochs fully completed.</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }
    /// <summary>Steps completed of the epoch after <see cref="Epoch"/> (non-zero only for a checkpoint written on interruption).</summary>
    [JsonPropertyName("step")] public int Step { get; init; }
    /// <summary>Running sums of the epoch in progress, so that a resumed epoch reports the same figures.</summary>
    [JsonPropertyName("partial_epoch")] public PartialEpoch? PartialEpoch { get; init; }
    /// <summary>Per-epoch figures so far.</summary>
    [JsonPropertyName("metrics")] public IReadOnlyList<EpochMetrics> Metrics { get; init; } = [];
    /// <summary>Epoch with the best validation negative ELBO, when early stopping is on.</summary>
    [JsonPropertyName("best_epoch")] public int? BestEpoch { get; init; }
    /// <summary>
    /// File name of the weights of <see cref="BestEpoch"/> in the checkpoint folder, kept on disk so that early stopping
    /// restores them even when the run was interrupted and resumed after that epoch.
    /// </summary>
    [JsonPropertyName("best_weights_file")] public string? BestWeightsFile { get; init; }
    /// <summary>Why training ended, when it has.</summary>
    [JsonPropertyName("stop_reason")] public StopReason? StopReason { get; init; }
    /// <summary>File name of the module weights (TorchSharp format) in the checkpoint folder.</summary>
    [JsonPropertyName("weights_file")] public required string WeightsFile { get; init; }
    /// <summary>File name of the Adam state in the checkpoint folder.</summary>
    [JsonPropertyName("optimizer_file")] public required string OptimizerFile { get; init; }
    /// <summary>When the checkpoint was written (UTC, ISO 8601).</summary>
    [JsonPropertyName("created_utc")] public string CreatedUtc { get; init; } = DateTime.UtcNow.ToString("O");
    /// <summary>Final evaluation figures, once <c>vae eval</c> or the end of training computed them.</summary>
    [JsonPropertyName("evaluation")] public EvaluationSummary? Evaluation { get; init; }
}
