namespace VaeOnnx.Training.Trainer;

/// <summary>Where training data comes from and how it is split and scaled.</summary>
public sealed record DataSourceOptions
{
    /// <summary>A folder of MNIST-family IDX files (train-/t10k- images and labels, .gz or raw) or a CSV file.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// Table models: the query of a database source (<see cref="Path"/> <c>sqlite:FILE.db</c> or <c>postgres:...</c>); a
    /// table model's <see cref="Path"/> may also be a Parquet file (see <c>VaeOnnx.Sources.TableSource</c>).
    /// </summary>
    public string? Query { get; init; }

    /// <summary>CSV only: the column holding a class label, set aside from the features.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>
    /// Conditional models: the condition column. For an IDX folder "label" (the label file); for a CSV file a categorical
    /// column, read as <see cref="LabelColumn"/> (which it sets, or must equal).
    /// </summary>
    public string? ConditionColumn { get; init; }

    /// <summary>CSV only: feature columns by name; null takes every column but the label.</summary>
    public IReadOnlyList<string>? FeatureColumns { get; init; }

    /// <summary>Fraction of the training rows held out for validation (early stopping); 0 for none.</summary>
    public double ValidationFraction { get; init; }

    /// <summary>CSV only (IDX folders have their own test file): fraction of rows held out for test.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>At most this many training rows (the first ones), for quick runs; null for all.</summary>
    public int? MaxTrainRows { get; init; }

    /// <summary>At most this many test rows (the first ones); null for all.</summary>
    public int? MaxTestRows { get; init; }

    /// <summary>Table models (likelihood mixed): column kinds, ignored columns and the id-column limit.</summary>
    public VaeOnnx.Tables.TableReadOptions? Table { get; init; }

    /// <summary>
    /// Table models: rows the shuffle buffer holds. A table of no more rows is held whole and shuffled fully every epoch; a
    /// larger one streams from its source every epoch through a buffer of this many featurised rows, which bounds memory.
    /// </summary>
    public int ShuffleBufferRows { get; init; } = TableDataLoader.DefaultShuffleBufferRows;

    /// <summary>Seed of the splits.</summary>
    public long Seed { get; init; } = 1;
}
