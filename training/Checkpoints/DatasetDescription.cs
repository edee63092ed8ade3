using System.Text.Json.Serialization;

namespace VaeOnnx.Training.Checkpoints;

/// <summary>What a model was trained on: enough to name it in metadata and to check that resumed data fits.</summary>
public sealed record DatasetDescription
{
    /// <summary>Short name, e.g. "fashion-mnist" or the CSV file name.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }
    /// <summary>Path of the training source.</summary>
    [JsonPropertyName("source")] public required string Source { get; init; }
    /// <summary>Training rows.</summary>
    [JsonPropertyName("train_rows")] public int TrainRows { get; init; }
    /// <summary>Validation rows (0 when none).</summary>
    [JsonPropertyName("validation_rows")] public int ValidationRows { get; init; }
    /// <summary>Test rows.</summary>
    [JsonPropertyName("test_rows")] public int TestRows { get; init; }
    /// <summary>Feature names for tabular data.</summary>
    [JsonPropertyName("feature_names")] public IReadOnlyList<string>? FeatureNames { get; init; }
    /// <summary>Label column of tabular data, if one was set aside.</summary>
    [JsonPropertyName("label_column")] public string? LabelColumn { get; init; }
    /// <summary>Names of the label classes, when known.</summary>
    [JsonPropertyName("class_names")] public IReadOnlyList<string>? ClassNames { get; init; }
}
