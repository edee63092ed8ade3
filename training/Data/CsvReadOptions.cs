namespace VaeOnnx.Training.Data;

/// <summary>How a CSV table becomes a data set.</summary>
public sealed record CsvReadOptions
{
    /// <summary>Feature columns by name, in this order; null takes every column except the label column.</summary>
    public IReadOnlyList<string>? FeatureColumns { get; init; }

    /// <summary>A column of class labels (text or integers) kept aside as labels, not features.</summary>
    public string? LabelColumn { get; init; }
}
