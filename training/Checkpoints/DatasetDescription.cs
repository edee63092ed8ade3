using System.Text.Json.Serialization;

namespace VaeOnnx.Training.Checkpoints;

/// <summary>What a model was trained on: enough to name it in metadata and to check that resumed data fits.</summary>
public sealed record DatasetDescription
{
    /// <summary>Short name, e.g. "fashion-mnist" or the CSV file name.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }
    /// <summary>
    /// Where the training rows are: a path, or for a table model any source <c>VaeOnnx.Sources.TableSource</c> parses
    /// (<c>customers.parquet</c>, <c>sqlite:/data/customers.db</c>, <c>postgres:Host=...</c> without the password), which the
    /// export reads again to calibrate on the held-out rows.
    /// </summary>
    [JsonPropertyName("source")] public required string Source { get; init; }
    /// <summary>The query that gave the rows of a database source; absent for a file (and in checkpoints written before databases were read).</summary>
    [JsonPropertyName("query"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Query { get; init; }
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
    /// <summary>An MNIST-family IDX folder, or a table (<see cref="DatasetFormat.Csv"/> for any table source: <see cref="Source"/> says which).</summary>
    [JsonPropertyName("format")] public DatasetFormat Format { get; init; } = DatasetFormat.Idx;
    /// <summary>Fraction of training rows held out for validation.</summary>
    [JsonPropertyName("validation_fraction")] public double ValidationFraction { get; init; }
    /// <summary>CSV: fraction of rows held out for test.</summary>
    [JsonPropertyName("test_fraction")] public double TestFraction { get; init; }
    /// <summary>Seed of the splits.</summary>
    [JsonPropertyName("split_seed")] public long SplitSeed { get; init; }
    /// <summary>Training rows were limited to the first N, when set.</summary>
    [JsonPropertyName("max_train_rows")] public int? MaxTrainRows { get; init; }
    /// <summary>Test rows were limited to the first N, when set.</summary>
    [JsonPropertyName("max_test_rows")] public int? MaxTestRows { get; init; }
    /// <summary>
    /// Table models: the rows of the shuffle buffer the run was given; a table of more rows streamed its training rows
    /// through a buffer of this many (resuming reads it back). Null for other models and for checkpoints written before.
    /// </summary>
    [JsonPropertyName("shuffle_buffer_rows"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? ShuffleBufferRows { get; init; }
    /// <summary>Image shape [C,H,W] for image data.</summary>
    [JsonPropertyName("image_shape")] public int[]? ImageShape { get; init; }
    /// <summary>Names of the label classes, when known.</summary>
    [JsonPropertyName("class_names")] public IReadOnlyList<string>? ClassNames { get; init; }
}
